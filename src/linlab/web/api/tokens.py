"""API tokens: create one (shown once), find the user of a presented token, revoke one.

A token looks like ``llt_1a2b3c4d_<43 random characters>``.  Its first 12 characters, ``llt_1a2b3c4d``,
are the public ``prefix`` that names it; the database stores only the SHA-256 of the whole token, so a
copy of the database does not let anyone sign in.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ..learning.actions import ActionError
from .models import ApiToken

__all__ = ["TOKEN_START", "MAX_NAME_CHARS", "create_token", "user_for_token", "revoke_token", "tokens_of", "hash_token"]

TOKEN_START = "llt_"
"""Every token begins with this, so a leaked one is recognisable (secret scanners, logs)."""

MAX_NAME_CHARS = 100
_LAST_USED_EVERY = timedelta(minutes=1)  # one write per token per minute at most, not one per request


def hash_token(token: str) -> str:
    """The hex SHA-256 of ``token``: what the database keeps."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: Any, *, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``.

    Parameters
    ----------
    user : User
        The account the token acts as.
    name : str, keyword-only
        What the token is for (at most 100 characters; surrounding spaces are dropped).

    Returns
    -------
    (ApiToken, str)
        The stored row and the token itself: the only time the token is known.

    Raises
    ------
    ActionError
        (400) if ``name`` is longer than 100 characters or the user is inactive.
    """
    name = (name or "").strip()
    if len(name) > MAX_NAME_CHARS:
        raise ActionError(f"The token name is {len(name)} characters long; at most {MAX_NAME_CHARS} are accepted.")
    if not user.is_active:
        raise ActionError(f"The account {user.get_username()!r} is inactive; it cannot have API tokens.")
    for _ in range(5):
        prefix = f"{TOKEN_START}{secrets.token_hex(4)}"
        token = f"{prefix}_{secrets.token_urlsafe(32)}"
        try:
            with transaction.atomic():
                row = ApiToken.objects.create(user=user, name=name, prefix=prefix, key_hash=hash_token(token))
            return row, token
        except IntegrityError:
            continue  # the 32-bit prefix is taken (rare): draw another
    raise ActionError("Could not create a token; try again.", status=409)


def user_for_token(token: str) -> Any | None:
    """The active user a presented token belongs to.

    Parameters
    ----------
    token : str
        The token as the client sent it.

    Returns
    -------
    User or None
        None if the token is unknown, revoked, or its user is inactive.  Otherwise the token's
        ``last_used`` is brought up to date (to the minute).
    """
    if not token.startswith(TOKEN_START):
        return None
    row = ApiToken.objects.select_related("user").filter(key_hash=hash_token(token), user__is_active=True).first()
    if row is None:
        return None
    now = timezone.now()
    if row.last_used is None or now - row.last_used >= _LAST_USED_EVERY:
        ApiToken.objects.filter(pk=row.pk).filter(Q(last_used__isnull=True) | Q(last_used__lt=now - _LAST_USED_EVERY)).update(last_used=now)
    return row.user


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    """The user's tokens, oldest first."""
    return ApiToken.objects.filter(user=user).order_by("created", "id")


def revoke_token(user: Any, prefix: str) -> None:
    """Delete the user's token named by ``prefix``; it stops working at once.

    Raises
    ------
    ActionError
        (404) if the user has no such token (someone else's counts as none).
    """
    deleted, _ = ApiToken.objects.filter(user=user, prefix=prefix).delete()
    if not deleted:
        raise ActionError(f"You have no API token {prefix!r}.", status=404)
