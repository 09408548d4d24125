"""``/tokens``: a signed-in learner's API tokens (create, list, revoke)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from .. import auth
from ..schemas import ErrorOut, NewTokenOut, TokenIn, TokenOut, ValidationErrorOut
from ..tokens import create_token, revoke_token, tokens_of

__all__ = ["router"]

router = Router(tags=["tokens"])


@router.post(
    "/tokens", response={201: NewTokenOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    auth=auth.SESSION,
    summary="Create an API token",
)
def create(request: HttpRequest, body: TokenIn):
    """A new token for the signed-in learner (browser session only: a token cannot mint tokens).
    The token is in the answer only this once."""
    row, token = create_token(auth.request_user(request), name=body.name)
    return Status(201, {"prefix": row.prefix, "name": row.name, "created": row.created, "last_used": row.last_used, "token": token})


@router.get("/tokens", response={200: list[TokenOut], 401: ErrorOut}, auth=auth.SIGNED_IN, summary="List your API tokens")
def list_tokens(request: HttpRequest):
    """The learner's tokens (their prefixes and names, never the tokens)."""
    return list(tokens_of(auth.request_user(request)))


@router.delete(
    "/tokens/{prefix}", response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}, auth=auth.SIGNED_IN,
    summary="Revoke an API token",
)
def revoke(request: HttpRequest, prefix: str):
    """Revoke one of the learner's tokens; it stops working at once.  A token may revoke itself."""
    revoke_token(auth.request_user(request), prefix)
    return Status(204, None)
