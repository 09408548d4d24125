"""Back up and restore the learners: their accounts and everything they did, as one JSON document.

The document (``format`` ``"linlab-backup"``, ``version`` 1; docs/backup.md describes every field)::

    {"format": "linlab-backup", "version": 1, "exported": "2026-11-23T07:00:00+00:00",
     "users": [{"username": ..., "password": <Django's encoded hash>, ..., "language": "en",
                "check_answers": [...], "attempts": [...], "review_cards": [{..., "logs": [...]}],
                "api_tokens": [...]}]}

Conventions
-----------
* Lessons and exercises are named by their content ids (``"la-08-rank-nullity"``, ``"kernel-basis"``),
  never by database keys, so a backup restores into any database of the same course.  A review log
  names its attempt by number; the attempt is the user's attempt at the card's exercise.
* Times are ISO 8601 with their offset (exported in UTC, to the microsecond); UUIDs are strings.
* Everything is sorted by content (users by name, attempts by exercise and number, ...), not by
  database order, so exporting the same data twice gives the same document on SQLite and PostgreSQL.

Import (:func:`import_backup`) validates the whole document first (:func:`validate_backup`, no
database access), then writes in one transaction, so a bad document or a conflict writes nothing.
Users are matched by username; rows already present (an inline answer by its submission key, an
attempt by exercise and number, a card by exercise, a log by its attempt, a token by its prefix) are
left alone when equal and are a :class:`BackupConflictError` when different, unless ``replace=True``,
which takes the backup's version.  Lessons and exercises that the course index lacks (retired ones)
are created inactive, as :func:`~linlab.web.learning.sync.sync_course` leaves retired content.
"""

from __future__ import annotations

import itertools
import json
import math
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone as dt_timezone
from typing import IO, Any, Callable, Iterator, Sequence

from ...errors import LinlabError

__all__ = [
    "FORMAT",
    "VERSION",
    "BackupError",
    "BackupConflictError",
    "BackupSummary",
    "backup_document",
    "export_backup",
    "read_backup",
    "validate_backup",
    "import_backup",
]

FORMAT = "linlab-backup"
VERSION = 1
_CHUNK = 200  # users exported per round of queries: memory stays proportional to that many users' rows
_INT32 = 2**31 - 1  # PositiveIntegerField's range on every backend
_INT64 = 2**63


class BackupError(LinlabError, ValueError):
    """A backup document that cannot be read or imported; the message names the user, row and field."""


class BackupConflictError(BackupError):
    """A row of the backup differs from the same row in the database (import with ``replace=True``)."""


@dataclass
class BackupSummary:
    """What an export wrote or an import added (rows already present and equal are not counted)."""

    users: int = 0
    users_created: int = 0
    answers: int = 0
    attempts: int = 0
    cards: int = 0
    logs: int = 0
    tokens: int = 0
    replaced: int = 0

    def rows(self) -> str:
        return (f"{self.answers} answers, {self.attempts} attempts, {self.cards} review cards, "
                f"{self.logs} review logs, {self.tokens} API tokens")


# --- reading and validating --------------------------------------------------------------------------

Parser = Callable[[Any, str], Any]
Row = dict[str, Any]


def _got(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=repr) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _fail(where: str, message: str) -> BackupError:
    return BackupError(f"backup {where}: {message}")


def _check_text(value: str, where: str) -> None:
    if "\x00" in value:
        raise _fail(where, "contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _fail(where, "is not valid Unicode (a lone surrogate)") from None


def _text(*, max_len: int | None = None, nonempty: bool = False) -> Parser:
    def parse(value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise _fail(where, f"expected text, got {_got(value)}")
        _check_text(value, where)
        if nonempty and not value:
            raise _fail(where, "is empty")
        if max_len is not None and len(value) > max_len:
            raise _fail(where, f"is {len(value)} characters long; at most {max_len} fit")
        return value
    return parse


def _boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(where, f"expected true or false, got {_got(value)}")
    return value


def _maybe_boolean(value: Any, where: str) -> bool | None:
    return None if value is None else _boolean(value, where)


def _integer(low: int, high: int) -> Parser:
    def parse(value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(where, f"expected an integer, got {_got(value)}")
        if not low <= value <= high:
            raise _fail(where, f"{value} is outside {low}..{high}")
        return value
    return parse


def _maybe_number(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(where, f"expected a number or null, got {_got(value)}")
    if not math.isfinite(value):
        raise _fail(where, f"expected a finite number, got {value}")
    return float(value)


def _moment(value: Any, where: str) -> datetime:
    if not isinstance(value, str):
        raise _fail(where, f"expected an ISO 8601 time, got {_got(value)}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _fail(where, f"expected an ISO 8601 time, got {_got(value)}") from None
    if moment.utcoffset() is None:
        raise _fail(where, f"the time {value!r} has no UTC offset")
    try:
        return moment.astimezone(dt_timezone.utc)
    except OverflowError:  # 0001-01-01T00:00+01:00 is before the first UTC day Python knows
        raise _fail(where, f"the time {value!r} is out of range in UTC") from None


def _maybe_moment(value: Any, where: str) -> datetime | None:
    return None if value is None else _moment(value, where)


def _uuid(value: Any, where: str) -> uuid.UUID:
    if not isinstance(value, str):
        raise _fail(where, f"expected a UUID, got {_got(value)}")
    try:
        return uuid.UUID(value)
    except ValueError:
        raise _fail(where, f"expected a UUID, got {_got(value)}") from None


def _language(value: Any, where: str) -> str:
    from django.conf import settings

    codes = [code for code, _ in settings.LANGUAGES]
    if value not in codes:
        raise _fail(where, f"expected one of {', '.join(codes)}, got {_got(value)}")
    return value


def _hex64(value: Any, where: str) -> str:
    value = _text()(value, where)
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise _fail(where, f"expected 64 lowercase hex digits (a SHA-256), got {_got(value)}")
    return value


def _json_clean(value: Any, where: str) -> None:
    """JSON that both databases store: finite numbers, text without NUL or lone surrogates (any depth)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                if isinstance(key, str):
                    _check_text(key, where)
                stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            _check_text(item, where)
        elif isinstance(item, float) and not math.isfinite(item):
            raise _fail(where, f"holds the number {item}")


def _fsrs_state(value: Any, where: str) -> dict[str, Any]:
    from fsrs import Card

    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise _fail(where, f"expected an fsrs card (a JSON object), got {_got(value)}")
    _json_clean(value, where)
    try:
        Card.from_dict(value)  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError, OverflowError, AttributeError) as err:
        raise _fail(where, f"is not an fsrs card ({type(err).__name__}: {err})") from None
    return value


def _rows(spec: dict[str, Parser]) -> Parser:
    def parse(value: Any, where: str) -> list[Row]:
        if not isinstance(value, list):
            raise _fail(where, f"expected a list, got {_got(value)}")
        return [_row(item, f"{where}[{index}]", spec) for index, item in enumerate(value)]
    return parse


def _row(value: Any, where: str, spec: dict[str, Parser]) -> Row:
    if not isinstance(value, dict):
        raise _fail(where, f"expected an object, got {_got(value)}")
    unknown = [key for key in value if key not in spec]
    if unknown:
        raise _fail(where, f"unknown field {_got(unknown[0])}")
    missing = [key for key in spec if key not in value]
    if missing:
        raise _fail(where, f"missing field {missing[0]!r}")
    return {key: parse(value[key], f"{where}.{key}") for key, parse in spec.items()}


_LESSON, _ITEM = _text(max_len=100, nonempty=True), _text(max_len=100, nonempty=True)

ANSWER_FIELDS: dict[str, Parser] = {
    "lesson": _LESSON, "question": _ITEM, "submission": _uuid, "text": _text(), "correct": _boolean,
    "feedback": _text(), "created": _moment,
}
ATTEMPT_FIELDS: dict[str, Parser] = {
    "lesson": _LESSON, "exercise": _ITEM, "number": _integer(1, _INT32), "seed": _integer(-_INT64, _INT64 - 1),
    "review": _boolean, "created": _moment, "answer": _text(), "correct": _maybe_boolean, "score": _maybe_number,
    "feedback": _text(), "answered_at": _maybe_moment,
}
LOG_FIELDS: dict[str, Parser] = {
    "attempt": _integer(1, _INT32), "rating": _integer(1, 4), "reviewed_at": _moment, "due_after": _moment,
}
CARD_FIELDS: dict[str, Parser] = {
    "lesson": _LESSON, "exercise": _ITEM, "due": _moment, "state": _fsrs_state, "reviews": _integer(0, _INT32),
    "logs": _rows(LOG_FIELDS),
}
TOKEN_FIELDS: dict[str, Parser] = {
    "name": _text(max_len=100), "prefix": _text(max_len=16, nonempty=True), "key_hash": _hex64,
    "created": _moment, "last_used": _maybe_moment,
}
ACCOUNT_FIELDS: dict[str, Parser] = {
    "username": _text(max_len=150, nonempty=True), "email": _text(max_len=254), "first_name": _text(max_len=150),
    "last_name": _text(max_len=150), "password": _text(max_len=128), "is_active": _boolean, "is_staff": _boolean,
    "is_superuser": _boolean, "date_joined": _moment, "last_login": _maybe_moment, "language": _language,
}
USER_FIELDS: dict[str, Parser] = {
    **ACCOUNT_FIELDS, "check_answers": _rows(ANSWER_FIELDS), "attempts": _rows(ATTEMPT_FIELDS),
    "review_cards": _rows(CARD_FIELDS), "api_tokens": _rows(TOKEN_FIELDS),
}
"""The fields of one user in the document, in document order, each with its parser."""


def read_backup(stream: IO[str] | IO[bytes], *, name: str = "the backup") -> Any:
    """The JSON value in ``stream`` (not yet validated); BackupError if it is not JSON."""
    try:
        return json.load(stream)
    except json.JSONDecodeError as err:
        raise BackupError(f"{name} is not JSON: {err}") from None
    except UnicodeDecodeError as err:
        raise BackupError(f"{name} is not UTF-8 text: {err}") from None
    except RecursionError:
        raise BackupError(f"{name} is nested too deeply to be a linlab backup") from None


def validate_backup(document: Any) -> list[Row]:
    """The users of a backup document, every field checked and parsed (times, UUIDs); no database access.

    Parameters
    ----------
    document : Any
        The decoded JSON (:func:`read_backup`).

    Returns
    -------
    list of dict
        One dict per user with the keys of :data:`USER_FIELDS`; times are aware ``datetime`` in UTC,
        submission keys ``uuid.UUID``.

    Raises
    ------
    BackupError
        On the first problem, naming where it is: ``backup users[1] ('ada').attempts[0].seed: expected
        an integer, got 'x'``.  Nothing else is raised, whatever the input.
    """
    if not isinstance(document, dict):
        raise _fail("document", f"expected a JSON object, got {_got(document)}")
    for key in ("format", "version"):
        if key not in document:
            raise _fail("document", f"missing field {key!r}")
    if document.get("format") != FORMAT:
        raise _fail("format", f"expected {FORMAT!r}, got {_got(document.get('format'))}: this is not a linlab backup")
    version = document.get("version")
    if isinstance(version, bool) or version != VERSION:
        raise _fail("version", f"this linlab reads version {VERSION}, the document is version {_got(version)}")
    header = _row(document, "document", {"format": _text(), "version": _integer(VERSION, VERSION),
                                         "exported": _moment, "users": lambda value, where: value})
    if not isinstance(header["users"], list):
        raise _fail("users", f"expected a list, got {_got(header['users'])}")
    users: list[Row] = []
    seen: dict[str, set] = defaultdict(set)
    for index, raw in enumerate(header["users"]):
        name = raw.get("username") if isinstance(raw, dict) else None
        where = f"users[{index}]" + (f" ({name!r})" if isinstance(name, str) and len(name) <= 150 else "")
        user = _row(raw, where, USER_FIELDS)
        _check_user(user, where, seen)
        users.append(user)
    return users


def _unique(seen: set, key: Any, where: str, what: str) -> None:
    if key in seen:
        raise _fail(where, f"repeats {what}")
    seen.add(key)


def _check_user(user: Row, where: str, seen: dict[str, set]) -> None:
    """What the database's constraints need across rows: unique keys, logs naming attempts, graded answers."""
    _unique(seen["usernames"], user["username"], f"{where}.username", f"the username {user['username']!r}")
    submissions: set = set()
    for index, row in enumerate(user["check_answers"]):
        _unique(submissions, row["submission"], f"{where}.check_answers[{index}].submission",
                f"the submission key {row['submission']} of another answer of this user")
    attempts: set = set()
    for index, row in enumerate(user["attempts"]):
        here = f"{where}.attempts[{index}]"
        key = (row["lesson"], row["exercise"], row["number"])
        _unique(attempts, key, here, f"attempt {row['number']} at {row['lesson']}/{row['exercise']}")
        if row["answered_at"] is not None and row["correct"] is None:
            raise _fail(f"{here}.correct", "is null but the attempt was answered (answered_at is set)")
    cards: set = set()
    logged: set = set()
    for index, card in enumerate(user["review_cards"]):
        here = f"{where}.review_cards[{index}]"
        _unique(cards, (card["lesson"], card["exercise"]), here, f"the card of {card['lesson']}/{card['exercise']}")
        for number, log in enumerate(card["logs"]):
            key = (card["lesson"], card["exercise"], log["attempt"])
            if key not in attempts:
                raise _fail(f"{here}.logs[{number}].attempt", f"this user has no attempt {log['attempt']} at "
                            f"{card['lesson']}/{card['exercise']}")
            _unique(logged, key, f"{here}.logs[{number}].attempt", f"a rating of attempt {log['attempt']}")
    for index, token in enumerate(user["api_tokens"]):
        here = f"{where}.api_tokens[{index}]"
        _unique(seen["prefixes"], token["prefix"], f"{here}.prefix", f"the token prefix {token['prefix']!r}")
        _unique(seen["hashes"], token["key_hash"], f"{here}.key_hash", "a token hash")


# --- export -------------------------------------------------------------------------------------------

def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt_timezone.utc).isoformat(timespec="microseconds")


def _user_documents(usernames: Sequence[str] | None, summary: BackupSummary) -> Iterator[Row]:
    """The users' entries of a backup, sorted by username, ``_CHUNK`` users per round of queries."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.all()
    if usernames is not None:
        wanted = list(dict.fromkeys(usernames))
        found = set(users.filter(username__in=wanted).values_list("username", flat=True))
        missing = [name for name in wanted if name not in found]
        if missing:
            raise BackupError(f"there is no user {missing[0]!r} to export")
        users = users.filter(username__in=wanted)
    ids = [pk for _, pk in sorted(users.values_list("username", "pk"))]  # sorted here: collations differ
    for start in range(0, len(ids), _CHUNK):
        for entry in _chunk(ids[start:start + _CHUNK]):
            summary.users += 1
            summary.answers += len(entry["check_answers"])
            summary.attempts += len(entry["attempts"])
            summary.cards += len(entry["review_cards"])
            summary.logs += sum(len(card["logs"]) for card in entry["review_cards"])
            summary.tokens += len(entry["api_tokens"])
            yield entry


def _chunk(ids: list[int]) -> Iterator[Row]:
    """The entries of the users ``ids`` (in that order), from one query per table.

    On a site in use, rows may be added between these queries.  They run in the order that keeps the
    document importable anyway: accounts first, then logs before the cards and attempts they name
    (rows are never deleted but with their user), so every log exported finds its card and its attempt.
    """
    from django.contrib.auth import get_user_model

    from ..api.models import ApiToken
    from .models import Attempt, CheckAnswer, Profile, ReviewCard, ReviewLog

    accounts = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)}
    languages = dict(Profile.objects.filter(user_id__in=ids).values_list("user_id", "language"))
    logs: dict[int, list[Row]] = defaultdict(list)
    for log in ReviewLog.objects.filter(card__user_id__in=ids).values(
        "card_id", "attempt__number", "rating", "reviewed_at", "due_after"
    ):
        logs[log["card_id"]].append({"attempt": log["attempt__number"], "rating": log["rating"],
                                     "reviewed_at": _iso(log["reviewed_at"]), "due_after": _iso(log["due_after"])})
    rows: dict[str, dict[int, list[Row]]] = {kind: defaultdict(list) for kind in ("answers", "attempts", "cards", "tokens")}
    for c in ReviewCard.objects.filter(user_id__in=ids).values(
        "id", "user_id", "generator__lesson_id", "generator__exercise_id", "due", "state", "reviews"
    ):
        rows["cards"][c["user_id"]].append({
            "lesson": c["generator__lesson_id"], "exercise": c["generator__exercise_id"], "due": _iso(c["due"]),
            "state": c["state"], "reviews": c["reviews"], "logs": sorted(logs[c["id"]], key=lambda r: r["attempt"]),
        })
    for a in Attempt.objects.filter(user_id__in=ids).values(
        "user_id", "generator__lesson_id", "generator__exercise_id", "number", "seed", "review", "created",
        "answer", "correct", "score", "feedback", "answered_at",
    ):
        rows["attempts"][a["user_id"]].append({
            "lesson": a["generator__lesson_id"], "exercise": a["generator__exercise_id"], "number": a["number"],
            "seed": a["seed"], "review": a["review"], "created": _iso(a["created"]), "answer": a["answer"],
            "correct": a["correct"], "score": a["score"], "feedback": a["feedback"], "answered_at": _iso(a["answered_at"]),
        })
    for a in CheckAnswer.objects.filter(user_id__in=ids).values():
        rows["answers"][a["user_id"]].append({
            "lesson": a["lesson_id"], "question": a["question_id"], "submission": str(a["submission"]),
            "text": a["text"], "correct": a["correct"], "feedback": a["feedback"], "created": _iso(a["created"]),
        })
    for t in ApiToken.objects.filter(user_id__in=ids).values():
        rows["tokens"][t["user_id"]].append({
            "name": t["name"], "prefix": t["prefix"], "key_hash": t["key_hash"], "created": _iso(t["created"]),
            "last_used": _iso(t["last_used"]),
        })
    for pk in ids:
        user = accounts.get(pk)
        if user is None:
            continue  # deleted since the list of users was read
        yield {
            "username": user.username, "email": user.email, "first_name": user.first_name,
            "last_name": user.last_name, "password": user.password, "is_active": user.is_active,
            "is_staff": user.is_staff, "is_superuser": user.is_superuser, "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login), "language": languages.get(pk, "en"),
            "check_answers": sorted(rows["answers"][pk], key=lambda r: (r["created"], r["submission"])),
            "attempts": sorted(rows["attempts"][pk], key=lambda r: (r["lesson"], r["exercise"], r["number"])),
            "review_cards": sorted(rows["cards"][pk], key=lambda r: (r["lesson"], r["exercise"])),
            "api_tokens": sorted(rows["tokens"][pk], key=lambda r: (r["created"], r["prefix"])),
        }


def _header(now: datetime | None) -> Row:
    from django.utils import timezone

    return {"format": FORMAT, "version": VERSION, "exported": _iso(now or timezone.now())}


def backup_document(*, usernames: Sequence[str] | None = None, now: datetime | None = None) -> Row:
    """The whole backup as one dict (what :func:`export_backup` writes); every user, or those named.

    Raises
    ------
    BackupError
        If a named user does not exist.
    """
    return {**_header(now), "users": list(_user_documents(usernames, BackupSummary()))}


def export_backup(stream: IO[str], *, usernames: Sequence[str] | None = None, now: datetime | None = None) -> BackupSummary:
    """Write the backup to ``stream``, one user per line; only one chunk of users is in memory at a time.

    Raises
    ------
    BackupError
        If a named user does not exist (before anything is written).
    """
    summary = BackupSummary()
    users = _user_documents(usernames, summary)
    first = next(users, None)  # the unknown-user check runs before the header is written
    header = json.dumps(_header(now), ensure_ascii=False)
    stream.write(header[:-1] + ', "users": [')  # the header object, left open for the users
    separator = "\n"
    for user in itertools.chain([first] if first is not None else [], users):
        stream.write(separator + json.dumps(user, ensure_ascii=False, separators=(",", ":")))
        separator = ",\n"
    stream.write("\n]}\n")
    return summary


# --- import -------------------------------------------------------------------------------------------

_BATCH = 500  # rows per INSERT / UPDATE statement (well inside SQLite's limit on query parameters)


@dataclass
class _Import:
    """One import: compares the backup's rows with those present, queues the missing ones, writes them.

    New rows are written per table for all users at once (:meth:`write`), in the order their foreign
    keys need: answers, attempts and cards, then the logs that name an attempt and a card, then tokens.
    """

    replace: bool
    summary: BackupSummary
    gens: dict[tuple[str, str], int]

    def __post_init__(self) -> None:
        self.new: dict[str, list[Any]] = defaultdict(list)
        self.logs: list[tuple[Any, Any, Row]] = []  # (attempt, card, log row): pks known only after write()
        self.tokens: dict[str, Any] = {}  # the database's tokens that the backup names, by prefix and by hash

    def find_tokens(self, users: list[Row]) -> None:
        """Read the tokens present whose prefix or hash the backup holds (a few queries for all users)."""
        from django.db.models import Q

        from ..api.models import ApiToken

        keys = [(t["prefix"], t["key_hash"]) for user in users for t in user["api_tokens"]]
        for start in range(0, len(keys), _BATCH):
            prefixes, hashes = zip(*keys[start:start + _BATCH])
            for token in ApiToken.objects.select_related("user").filter(Q(prefix__in=prefixes) | Q(key_hash__in=hashes)):
                self.tokens[token.prefix] = self.tokens[token.key_hash] = token

    def same(self, username: str, what: str, existing: Any, wanted: Row) -> None:
        """Nothing if ``existing`` holds ``wanted``; else overwrite it (``replace``) or raise a conflict."""
        differ = [name for name, value in wanted.items() if getattr(existing, name) != value]
        if not differ:
            return
        if not self.replace:
            raise BackupConflictError(
                f"user {username!r}: {what} in the database differs from the backup's in "
                f"{', '.join(differ)}; import with --replace (replace=True) to take the backup's"
            )
        type(existing).objects.filter(pk=existing.pk).update(**wanted)
        for name, value in wanted.items():
            setattr(existing, name, value)
        self.summary.replaced += 1

    def user(self, user: Row, row: Any, *, created: bool) -> None:
        """Merge one user's rows into the account ``row`` (``created``: new, so nothing to compare with)."""
        from ..api.models import ApiToken
        from .models import Attempt, CheckAnswer, ReviewCard, ReviewLog

        name = user["username"]
        have_answers = {} if created else {a.submission: a for a in CheckAnswer.objects.filter(user=row)}
        for a in user["check_answers"]:
            wanted = {"lesson_id": a["lesson"], "question_id": a["question"], "text": a["text"],
                      "correct": a["correct"], "feedback": a["feedback"], "created": a["created"]}
            if a["submission"] in have_answers:
                self.same(name, f"the answer with submission key {a['submission']}", have_answers[a["submission"]], wanted)
            else:
                self.new["answers"].append(CheckAnswer(user=row, submission=a["submission"], **wanted))

        have_attempts = {} if created else {(a.generator_id, a.number): a for a in Attempt.objects.filter(user=row)}
        attempts: dict[tuple[str, str, int], Attempt] = {}
        for a in user["attempts"]:
            gen = self.gens[(a["lesson"], a["exercise"])]
            wanted = {key: a[key] for key in ("seed", "review", "created", "answer", "correct", "score", "feedback",
                                               "answered_at")}
            existing = have_attempts.get((gen, a["number"]))
            if existing is not None:
                self.same(name, f"attempt {a['number']} at {a['lesson']}/{a['exercise']}", existing, wanted)
            else:
                existing = Attempt(user=row, generator_id=gen, number=a["number"], **wanted)
                self.new["attempts"].append(existing)
            attempts[(a["lesson"], a["exercise"], a["number"])] = existing

        have_cards = {} if created else {c.generator_id: c for c in ReviewCard.objects.filter(user=row)}
        have_logs = {} if created else {log.attempt_id: log for log in ReviewLog.objects.filter(card__user=row)}
        for c in user["review_cards"]:
            gen = self.gens[(c["lesson"], c["exercise"])]
            wanted = {"due": c["due"], "state": c["state"], "reviews": c["reviews"]}
            card = have_cards.get(gen)
            if card is not None:
                self.same(name, f"the review card of {c['lesson']}/{c['exercise']}", card, wanted)
            else:
                card = ReviewCard(user=row, generator_id=gen, **wanted)
                self.new["cards"].append(card)
            for log in c["logs"]:
                attempt = attempts[(c["lesson"], c["exercise"], log["attempt"])]
                if attempt.pk is not None and attempt.pk in have_logs:
                    wanted = {"card_id": card.pk, "rating": log["rating"], "reviewed_at": log["reviewed_at"],
                              "due_after": log["due_after"]}
                    self.same(name, f"the rating of attempt {log['attempt']} at {c['lesson']}/{c['exercise']}",
                              have_logs[attempt.pk], wanted)
                else:
                    self.logs.append((attempt, card, log))

        for t in user["api_tokens"]:
            existing = self.tokens.get(t["prefix"]) or self.tokens.get(t["key_hash"])
            if existing is None:
                self.new["tokens"].append(ApiToken(user=row, name=t["name"], prefix=t["prefix"], key_hash=t["key_hash"],
                                                   created=t["created"], last_used=t["last_used"]))
                continue
            if existing.user_id != row.pk:
                raise BackupConflictError(f"user {name!r}: the API token {t['prefix']!r} belongs to "
                                          f"{existing.user.get_username()!r} in the database; a token never changes hands")
            self.same(name, f"the API token {t['prefix']!r}", existing,
                      {"prefix": t["prefix"], "key_hash": t["key_hash"], "name": t["name"], "created": t["created"]})
            if t["last_used"] is not None and (existing.last_used is None or existing.last_used < t["last_used"]):
                ApiToken.objects.filter(pk=existing.pk).update(last_used=t["last_used"])  # the later use wins

    def write(self) -> None:
        """Insert every queued row, then give back the ``created`` times that ``auto_now_add`` replaced."""
        from ..api.models import ApiToken
        from .models import Attempt, CheckAnswer, ReviewCard, ReviewLog

        for key, model in (("answers", CheckAnswer), ("attempts", Attempt), ("cards", ReviewCard)):
            _create(model, self.new[key])
        logs = [ReviewLog(attempt=attempt, card=card, rating=log["rating"], reviewed_at=log["reviewed_at"],
                          due_after=log["due_after"]) for attempt, card, log in self.logs]
        _create(ReviewLog, logs)
        _create(ApiToken, self.new["tokens"])
        summary = self.summary
        summary.answers, summary.attempts = len(self.new["answers"]), len(self.new["attempts"])
        summary.cards, summary.logs, summary.tokens = len(self.new["cards"]), len(logs), len(self.new["tokens"])


def _create(model: Any, objects: list[Any]) -> list[Any]:
    """bulk_create ``objects`` (their pks are set), keeping the ``created`` times they carry.

    ``created`` is ``auto_now_add``: an INSERT through the ORM stores the current time instead, so the
    times are written again, one ``UPDATE ... SET created = CASE id WHEN ...`` per batch (what
    ``bulk_update`` does, without its cost per row in Python, most of an import's time).
    """
    if not objects:
        return objects
    times = [getattr(obj, "created", None) for obj in objects]
    model.objects.bulk_create(objects, batch_size=_BATCH)
    if any(moment is not None for moment in times):
        from django.db import connection

        field, quote = model._meta.get_field("created"), connection.ops.quote_name
        pk = quote(model._meta.pk.column)
        for start in range(0, len(objects), _BATCH):
            batch = [(obj.pk, field.get_db_prep_value(moment, connection))
                     for obj, moment in zip(objects[start:start + _BATCH], times[start:start + _BATCH])]
            cases = " ".join(["WHEN %s THEN %s"] * len(batch))
            sql = (f"UPDATE {quote(model._meta.db_table)} SET {quote(field.column)} = CASE {pk} {cases} END "
                   f"WHERE {pk} IN ({', '.join(['%s'] * len(batch))})")
            with connection.cursor() as cursor:
                cursor.execute(sql, [value for pair in batch for value in pair] + [pk for pk, _ in batch])
        for obj, moment in zip(objects, times):
            obj.created = moment
    return objects


def _index(users: list[Row]) -> dict[tuple[str, str], int]:
    """``{(lesson, exercise): generator pk}`` for every exercise the backup names; missing ones created inactive."""
    from django.db.models import Max

    from .models import ExerciseGenerator, Lesson

    wanted_lessons: set[str] = set()
    wanted: set[tuple[str, str]] = set()
    for user in users:
        wanted_lessons.update(row["lesson"] for row in user["check_answers"])
        for row in (*user["attempts"], *user["review_cards"]):
            wanted_lessons.add(row["lesson"])
            wanted.add((row["lesson"], row["exercise"]))
    known = set(Lesson.objects.filter(pk__in=wanted_lessons).values_list("pk", flat=True))
    order = Lesson.objects.aggregate(n=Max("order"))["n"] or 0
    for number, lesson_id in enumerate(sorted(wanted_lessons - known), start=order + 1):
        Lesson.objects.create(id=lesson_id, order=number, title_en=lesson_id, title_ru=lesson_id, prerequisites=[],
                              check_ids=[], content_version="", active=False)
    gens = {(g.lesson_id, g.exercise_id): g.pk for g in
            ExerciseGenerator.objects.filter(lesson_id__in={lesson for lesson, _ in wanted})}
    missing = [ExerciseGenerator(lesson_id=lesson, exercise_id=exercise, answer_type="", order=0, active=False)
               for lesson, exercise in sorted(wanted - set(gens))]
    for gen in _create(ExerciseGenerator, missing):
        gens[(gen.lesson_id, gen.exercise_id)] = gen.pk
    return gens


def _accounts(users: list[Row], replace: bool) -> tuple[dict[str, Any], set[str]]:
    """``{username: User}`` for every user of the backup (new ones created in bulk), and the new names."""
    from django.contrib.auth import get_user_model

    from .models import Profile

    model = get_user_model()
    names = [user["username"] for user in users]
    found: dict[str, Any] = {}
    for start in range(0, len(names), _BATCH):
        found.update((u.username, u) for u in model.objects.filter(username__in=names[start:start + _BATCH]))
    fields = [name for name in ACCOUNT_FIELDS if name != "language"]
    new = [model(**{name: user[name] for name in fields}) for user in users if user["username"] not in found]
    model.objects.bulk_create(new, batch_size=_BATCH)  # no post_save signal: the profiles are made here
    languages = {user["username"]: user["language"] for user in users}
    Profile.objects.bulk_create([Profile(user=u, language=languages[u.username]) for u in new], batch_size=_BATCH)
    if replace:
        by_name = {user["username"]: user for user in users}
        for name, row in found.items():
            user = by_name[name]
            model.objects.filter(pk=row.pk).update(**{key: user[key] for key in fields})
            Profile.objects.update_or_create(user=row, defaults={"language": user["language"]})
    return {**found, **{u.username: u for u in new}}, {u.username for u in new}


def import_backup(document: Any, *, replace: bool = False, dry_run: bool = False) -> BackupSummary:
    """Validate a backup document, then merge its users into the database in one transaction.

    Parameters
    ----------
    document : Any
        The decoded JSON (:func:`read_backup`).
    replace : bool, keyword-only
        Where a row differs from the database's, take the backup's (default: refuse the whole import).
        Also overwrites existing users' account fields and language, which are otherwise kept.
    dry_run : bool, keyword-only
        Do everything, conflicts included, then roll back.

    Returns
    -------
    BackupSummary
        Users imported (and created), rows added, rows replaced.

    Raises
    ------
    BackupError
        If the document is malformed (nothing is written).
    BackupConflictError
        If a row differs from the database's and ``replace`` is False (nothing is written).
    """
    from django.db import IntegrityError, transaction

    users = validate_backup(document)
    summary = BackupSummary(users=len(users))
    try:
        with transaction.atomic():
            merge = _Import(replace, summary, _index(users))
            merge.find_tokens(users)
            accounts, created = _accounts(users, replace)
            summary.users_created = len(created)
            for user in users:
                merge.user(user, accounts[user["username"]], created=user["username"] in created)
            merge.write()
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as err:  # a uniqueness the document cannot see (a token prefix taken by --replace)
        raise BackupConflictError(f"the database refused the import: {' '.join(str(err).split())}") from None
    return summary
