"""Sign-in throttling: after repeated failed sign-ins, refuse further ones for a while.

Two counters over a sliding window of ``LINLAB_SIGNIN_WINDOW_SECONDS`` (default 900, 15 minutes):

* per **username** (normalised: NFKC, case-folded): ``LINLAB_SIGNIN_USERNAME_LIMIT`` failures (default 5)
  refuse every further sign-in as that name, with the right password too, until the oldest of those
  failures leaves the window;
* per **client address**: ``LINLAB_SIGNIN_IP_LIMIT`` failures (default 20), whatever names were tried,
  refuse every sign-in from that address in the same way.

A refused attempt is not counted (so a refusal ends at a time known when it starts), a successful
sign-in deletes that username's failures, and every failure deletes the failures that have left the
window, so the table holds at most one window's worth.  The numbers are Django settings of these names.

The failures are rows of :class:`~linlab.web.learning.models.SignInFailure` in the site's database, so
every gunicorn worker process and every app server counts the same failures (a per-process cache would
multiply the limits by the number of processes).  Two failures that arrive at the same instant on two
workers may both be let through before either is counted: the limits can be exceeded by the number of
concurrent requests, never more.

:class:`ThrottledModelBackend` (the site's only authentication backend) applies the throttle to every
sign-in by password: the sign-in page and the admin's.  The sign-in page checks first as well, to answer
a refused attempt with status 429, a ``Retry-After`` header and a message saying when to try again.  The
API takes no passwords (API tokens, or a session opened on the sign-in page), so it needs no throttle.

Client address
--------------
The address is ``REMOTE_ADDR``, the peer of the connection.  Behind a reverse proxy (nginx, as in
``docs/deploy.md``) that is the proxy's address for every request: every learner would share one
counter.  List the proxy's addresses in ``LINLAB_TRUSTED_PROXIES`` (environment, comma-separated);
for a request from one of them the client is the rightmost ``X-Forwarded-For`` entry that is not a
trusted proxy (nginx: ``proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for``).  A client cannot
forge that entry: the proxy appends the address it saw.  An IPv6 client counts as its /64 network, the
block one machine usually holds.
"""

from __future__ import annotations

import ipaddress
import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from .models import SignInFailure

__all__ = [
    "BACKEND", "USERNAME_LIMIT", "IP_LIMIT", "WINDOW_SECONDS", "Refusal", "ThrottledModelBackend",
    "normalise_username", "client_of", "refusal_for", "record_failure", "clear_failures",
]

BACKEND = "linlab.web.learning.throttle.ThrottledModelBackend"
"""The dotted path of :class:`ThrottledModelBackend`, as ``AUTHENTICATION_BACKENDS`` names it."""

USERNAME_LIMIT = 5
"""Default of ``LINLAB_SIGNIN_USERNAME_LIMIT``: failures per username in the window."""
IP_LIMIT = 20
"""Default of ``LINLAB_SIGNIN_IP_LIMIT``: failures per client address in the window."""
WINDOW_SECONDS = 15 * 60
"""Default of ``LINLAB_SIGNIN_WINDOW_SECONDS``: the length of the sliding window."""

_MAX_USERNAME = 150  # the length of User.username and of SignInFailure.username


def _now() -> datetime:
    """The current time (aware, UTC); tests move the clock by replacing this function."""
    return timezone.now()


def _limits() -> tuple[int, int, timedelta]:
    return (
        int(getattr(settings, "LINLAB_SIGNIN_USERNAME_LIMIT", USERNAME_LIMIT)),
        int(getattr(settings, "LINLAB_SIGNIN_IP_LIMIT", IP_LIMIT)),
        timedelta(seconds=int(getattr(settings, "LINLAB_SIGNIN_WINDOW_SECONDS", WINDOW_SECONDS))),
    )


def normalise_username(username: str) -> str:
    """The name a failure is counted under: NFKC, case-folded, stripped, cut to 150 characters.

    Folding case groups more names than sign-in itself does (usernames are case-sensitive), so a
    guesser gains nothing by varying case.

    Examples
    --------
    >>> normalise_username("  Ada ")
    'ada'
    >>> normalise_username("ＡＤＡ")  # fullwidth letters
    'ada'
    """
    return unicodedata.normalize("NFKC", username or "").casefold().strip()[:_MAX_USERNAME]


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_of(request: HttpRequest | None) -> str:
    """The client address a request's failures are counted under ("" when unknown).

    ``REMOTE_ADDR``; for a request from a proxy in ``LINLAB_TRUSTED_PROXIES``, the rightmost
    ``X-Forwarded-For`` address that is not itself a trusted proxy.  IPv4-mapped IPv6 addresses count
    as their IPv4 address, other IPv6 addresses as their /64 network (``2001:db8:1:2::/64``).
    """
    if request is None:
        return ""
    peer = _address(request.META.get("REMOTE_ADDR", "") or "")
    if peer is None:
        return ""
    trusted = {str(a) for a in map(_address, getattr(settings, "LINLAB_TRUSTED_PROXIES", ()) or ()) if a is not None}
    if str(peer) in trusted:
        for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
            hop = _address(entry)
            if hop is None:
                break  # a malformed entry: what lies left of it cannot be trusted either
            peer = hop
            if str(hop) not in trusted:
                break
    if isinstance(peer, ipaddress.IPv6Address):
        if peer.ipv4_mapped is not None:
            return str(peer.ipv4_mapped)
        return str(ipaddress.IPv6Network((peer, 64), strict=False))
    return str(peer)


@dataclass(frozen=True)
class Refusal:
    """Why and until when sign-ins are refused.

    Attributes
    ----------
    reason : {"username", "client"}
        Which counter reached its limit.
    until : datetime
        When the next attempt is allowed again (aware, UTC).
    now : datetime
        When the refusal was decided.
    """

    reason: str
    until: datetime
    now: datetime

    @property
    def retry_after(self) -> int:
        """Whole seconds until :attr:`until` (at least 1): the ``Retry-After`` header."""
        return max(1, math.ceil((self.until - self.now).total_seconds()))

    @property
    def message(self) -> str:
        """The sentence shown on the sign-in page, naming the time to try again."""
        minutes = max(1, math.ceil(self.retry_after / 60))
        when = ngettext("Try again in %(minutes)d minute, after %(time)s UTC.",
                        "Try again in %(minutes)d minutes, after %(time)s UTC.", minutes) % {
            "minutes": minutes, "time": self.until.astimezone(dt_timezone.utc).strftime("%H:%M"),
        }
        if self.reason == "username":
            why = gettext("Too many failed sign-ins for this username.")
        else:
            why = gettext("Too many failed sign-ins from your network address.")
        return f"{why} {when}"


def _blocked_until(failures: Any, limit: int, window: timedelta, now: datetime) -> datetime | None:
    """When the ``limit``-th most recent failure in the window leaves it; None below the limit."""
    if limit <= 0:
        return None
    nth = failures.filter(at__gt=now - window).order_by("-at").values_list("at", flat=True)[limit - 1 : limit]
    nth = list(nth)
    return nth[0] + window if nth else None


def refusal_for(username: str, client: str) -> Refusal | None:
    """The refusal that applies to a sign-in as ``username`` from ``client`` now, if any.

    Parameters
    ----------
    username : str
        As typed (normalised here); an empty name is not counted.
    client : str
        From :func:`client_of`; "" (unknown) is not counted.

    Returns
    -------
    Refusal or None
        The refusal that lasts longest when both counters are at their limits.
    """
    user_limit, ip_limit, window = _limits()
    now = _now()
    found: list[Refusal] = []
    name = normalise_username(username)
    if name:
        until = _blocked_until(SignInFailure.objects.filter(username=name), user_limit, window, now)
        if until is not None and until > now:
            found.append(Refusal("username", until, now))
    if client:
        until = _blocked_until(SignInFailure.objects.filter(client=client), ip_limit, window, now)
        if until is not None and until > now:
            found.append(Refusal("client", until, now))
    return max(found, key=lambda r: r.until) if found else None


def record_failure(username: str, client: str) -> None:
    """Count one failed sign-in, and delete the failures that have left the window."""
    _, _, window = _limits()
    now = _now()
    SignInFailure.objects.filter(at__lte=now - window).delete()
    SignInFailure.objects.create(username=normalise_username(username), client=client, at=now)


def clear_failures(username: str) -> None:
    """Forget the failures of ``username`` (after it signed in with the right password)."""
    SignInFailure.objects.filter(username=normalise_username(username)).delete()


class ThrottledModelBackend(ModelBackend):
    """Django's username-and-password backend behind the throttle.

    A refused sign-in raises ``PermissionDenied``, which makes ``django.contrib.auth.authenticate``
    give up at once (no further backend is tried, the password is not checked); a wrong password is
    counted; the right one clears the username's failures.
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> Any:
        if username is None:
            from django.contrib.auth import get_user_model

            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        client = client_of(request)
        if refusal_for(username, client) is not None:
            raise PermissionDenied("sign-in throttled")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(username, client)
        else:
            clear_failures(username)
        return user
