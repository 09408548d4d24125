"""Backup and restore (linlab.web.learning.backup, ``linlab export`` / ``linlab import``).

The database is filled through the real actions (inline answers right and wrong, exercise attempts,
reviews, API tokens) for several learners; after export → wipe → import, the facts the site shows are
checked against what they were before, through the learning app's own read side (lesson_progress,
due_cards), the password check of Django's sign-in and the token lookup of the API, not only the
document's equality with itself.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import subprocess
import sys
from datetime import timedelta, timezone as dt_timezone
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from fsrs import Card
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from linlab.web.api.models import ApiToken
from linlab.web.api.tokens import create_token, revoke_token, user_for_token
from linlab.web.learning import actions
from linlab.web.learning.backup import (
    FORMAT, USER_FIELDS, VERSION, BackupConflictError, BackupError, backup_document, export_backup, import_backup,
    validate_backup,
)
from linlab.web.learning.models import Attempt, CheckAnswer, ExerciseGenerator, Lesson, ReviewCard, ReviewLog
from linlab.web.learning.progress import lesson_progress
from linlab.web.learning.sync import sync_course

PRACTICE, OTHER, RETIRED = "la-08-rank-nullity", "la-03-dot-product", "la-07-kernel-image"
# name, language, password, staff; ivy is made inactive, zoë has no progress at all.
USERS = [
    ("ada", "en", "a-long-passphrase-1", False),
    ("Ωмега_ü", "ru", "пароль-достаточно-длинный", False),
    ("李雷", "en", "another long one 3", True),
    ("ivy", "ru", "ivy-passphrase-4", False),
    ("zoë", "ru", "zoe-passphrase-5", False),
]
MODELS = (get_user_model(), CheckAnswer, Attempt, ReviewCard, ReviewLog, ApiToken)
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as tests/web/conftest.py


def _expected(course, attempt: Attempt) -> str:
    gen = attempt.generator
    return course.lessons[gen.lesson_id].exercise(gen.exercise_id).generate(attempt.seed).expected


def _answer(course, user, gen: ExerciseGenerator, right: bool, lang: str) -> Attempt:
    attempt = actions.new_attempt(user, gen)
    text = _expected(course, attempt) if right else "не то <script>alert(1)</script>"
    return actions.answer_attempt(user, attempt.pk, text, lang=lang)


@dataclasses.dataclass
class Site:
    """The populated database: its users and the API token each active learner kept."""

    users: list
    tokens: dict[str, str]
    passwords: dict[str, str]


def _populate(course) -> Site:
    """Several learners' work, made through the real actions (the course index must be synced)."""
    users, tokens = [], {}
    for index, (name, lang, password, staff) in enumerate(USERS):
        user = get_user_model().objects.create_user(
            username=name, password=password, email=f"{index}@example.org", first_name=name[:3], is_staff=staff,
            is_superuser=staff,
        )
        user.profile.language = lang
        user.profile.save()
        users.append(user)
        if name == "zoë":
            continue
        for lesson_id in (PRACTICE, OTHER, RETIRED)[: 1 + index % 3]:
            checks = course.lessons[lesson_id].checks
            actions.record_check(user, lesson_id, checks[0].id, checks[0].answer_text, lang=lang)
            actions.record_check(user, lesson_id, checks[1].id, "ошибка ✗ <b>", lang=lang)
        gens = list(ExerciseGenerator.objects.filter(lesson_id=PRACTICE).order_by("order"))
        for gen, right in [(gens[0], True), (gens[1], False), (gens[0], index % 2 == 0), (gens[2], True)]:
            _answer(course, user, gen, right, lang)
        _answer(course, user, ExerciseGenerator.objects.filter(lesson_id=RETIRED).first(), True, lang)
        actions.current_attempt(user, gens[3])  # shown, not answered yet
        card = actions.due_cards(user, now=timezone.now() + timedelta(days=60)).first()
        review = actions.review_attempt(user, card)
        actions.answer_attempt(user, review.pk, _expected(course, review), lang=lang)
        actions.review_attempt(user, actions.due_cards(user, now=timezone.now() + timedelta(days=60)).last())  # open
        _, tokens[name] = create_token(user, name=f"laptop ✓ {name}")
        user_for_token(tokens[name])  # sets last_used
        old, _ = create_token(user, name="old")
        revoke_token(user, old.prefix)
    Client().login(username="ada", password=USERS[0][2])  # a last_login to carry
    users[3].is_active = False
    users[3].save()
    sync_course(dataclasses.replace(course, lessons={k: v for k, v in course.lessons.items() if k != RETIRED}))
    return Site(users, tokens, {name: password for name, _, password, _ in USERS})


@pytest.fixture
def site(course, course_index) -> Site:
    return _populate(course)


@pytest.fixture(scope="module")
def document(django_db_setup, django_db_blocker) -> dict:
    """The backup of a populated database (made once for the module, then rolled back)."""
    from django.db import transaction
    from django.test import override_settings

    from linlab.course import load_course

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        sync_course()
        _populate(load_course())
        made = json.loads(json.dumps(backup_document()))
        transaction.set_rollback(True)
    return made


@pytest.fixture
def restored(document, course_index) -> dict:
    """The test database holding what ``document`` holds (through an import); the document, a copy."""
    import_backup(document)
    return copy.deepcopy(document)


NOW = timezone.now() + timedelta(days=3)


def _facts() -> dict[str, tuple]:
    """Per user, what the site shows: progress per lesson, due cards, open attempts (with their variants)."""
    out = {}
    for user in get_user_model().objects.all():
        progress = {lid: p.to_json() for lid, p in lesson_progress(user, now=NOW).items()}
        due = [(c.generator.lesson_id, c.generator.exercise_id, c.due, c.reviews)
               for c in actions.due_cards(user, now=NOW + timedelta(days=30))]
        open_ = sorted((a.generator.exercise_id, a.number, a.seed, a.review)
                       for a in Attempt.objects.filter(user=user, answered_at__isnull=True).select_related("generator"))
        out[user.username] = (progress, due, open_, user.profile.language, user.is_active, user.is_staff, user.email)
    return out


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in MODELS)


def _body(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "exported"}


@pytest.mark.django_db
def test_export_wipe_import_restores_every_learner(site, course):
    before_counts = _counts()
    before_facts = _facts()
    document = json.loads(json.dumps(backup_document()))  # through JSON text, as a file carries it
    assert [u["username"] for u in document["users"]] == sorted(name for name, *_ in USERS)
    assert any(a["lesson"] == RETIRED for u in document["users"] for a in u["attempts"])

    get_user_model().objects.all().delete()
    assert _counts() == (0,) * len(MODELS)
    summary = import_backup(document)

    assert _counts() == before_counts
    assert (summary.users, summary.users_created, summary.replaced) == (len(USERS), len(USERS), 0)
    assert (summary.answers, summary.attempts, summary.cards, summary.logs, summary.tokens) == before_counts[1:]
    assert _body(backup_document()) == _body(document)
    assert _facts() == before_facts
    for name, token in site.tokens.items():
        assert user_for_token(token) == (None if name == "ivy" else get_user_model().objects.get(username=name))
    for name, password in site.passwords.items():
        assert Client().login(username=name, password=password) is (name != "ivy"), name
        assert not Client().login(username=name, password=password + "x")
    # The open attempt is the same variant as before: current_attempt finds it instead of starting another.
    ada = get_user_model().objects.get(username="ada")
    gen = ExerciseGenerator.objects.filter(lesson_id=PRACTICE).order_by("order")[3]
    shown = actions.current_attempt(ada, gen)
    assert (shown.number, actions.variant_of(shown).expected) == (1, _expected(course, shown))
    assert Attempt.objects.filter(user=ada, generator=gen).count() == 1


@pytest.mark.django_db
def test_lessons_and_exercises_missing_from_the_index_are_created_inactive(restored):
    document = restored
    retired = {(a["exercise"], a["number"]) for u in document["users"] for a in u["attempts"] if a["lesson"] == RETIRED}
    get_user_model().objects.all().delete()
    Lesson.objects.filter(pk=RETIRED).delete()  # as in a database whose index never had it
    import_backup(document)
    assert _body(backup_document()) == _body(document)
    lesson = Lesson.objects.get(pk=RETIRED)
    assert not lesson.active and not lesson.generators.filter(active=True).exists()
    assert set(Attempt.objects.filter(generator__lesson=lesson).values_list("generator__exercise_id", "number")) == retired
    assert RETIRED not in lesson_progress(get_user_model().objects.get(username="ada"))


@pytest.mark.django_db
def test_importing_into_the_same_database_adds_nothing_and_twice_is_like_once(restored):
    document = restored
    counts, facts = _counts(), _facts()
    for _ in range(2):
        summary = import_backup(json.loads(json.dumps(document)))
        assert (summary.users, summary.users_created, summary.answers, summary.attempts, summary.cards,
                summary.logs, summary.tokens, summary.replaced) == (len(USERS), 0, 0, 0, 0, 0, 0, 0)
        assert _counts() == counts and _facts() == facts
    assert _body(backup_document()) == _body(document)


@pytest.mark.django_db
def test_merge_brings_back_the_rows_a_user_lost_and_keeps_the_rest(restored):
    document = restored
    ada = get_user_model().objects.get(username="ada")
    last = Attempt.objects.filter(user=ada, answered_at__isnull=False).order_by("-answered_at").first()
    lost_answers = CheckAnswer.objects.filter(user=ada).count()
    CheckAnswer.objects.filter(user=ada).delete()
    last.delete()  # its review log goes with it
    counts_after_loss = _counts()
    summary = import_backup(document)
    assert (summary.users_created, summary.answers, summary.attempts, summary.logs) == (0, lost_answers, 1, 1)
    assert _counts()[1:] == (counts_after_loss[1] + lost_answers, counts_after_loss[2] + 1, counts_after_loss[3],
                             counts_after_loss[4] + 1, counts_after_loss[5])
    assert _body(backup_document()) == _body(document)
    assert get_user_model().objects.get(username="ada").pk == ada.pk  # merged into the same account


def _find(document: dict, name: str) -> dict:
    return next(u for u in document["users"] if u["username"] == name)


@pytest.mark.django_db
def test_a_conflicting_attempt_writes_nothing_unless_replace(restored):
    document = restored
    get_user_model().objects.filter(username="ada").delete()  # would be recreated first (names sort "ada" first)
    snapshot, counts = backup_document(), _counts()
    changed = copy.deepcopy(document)
    attempt = next(a for a in _find(changed, "李雷")["attempts"] if a["answered_at"])
    attempt["answer"], attempt["score"] = "[[7]]", 0.25
    where = f"attempt {attempt['number']} at {attempt['lesson']}/{attempt['exercise']}"
    with pytest.raises(BackupConflictError) as err:
        import_backup(changed)
    assert str(err.value) == (f"user '李雷': {where} in the database differs from the backup's in answer, score; "
                              "import with --replace (replace=True) to take the backup's")
    assert _counts() == counts and _body(backup_document()) == _body(snapshot)  # ada was not recreated either

    summary = import_backup(changed, replace=True)
    assert summary.replaced == 1 and summary.users_created == 1
    assert _body(backup_document()) == _body(changed)


@pytest.mark.django_db
def test_dry_run_reports_and_writes_nothing(restored):
    document = restored
    get_user_model().objects.exclude(username="zoë").delete()
    counts = _counts()
    summary = import_backup(document, dry_run=True)
    assert summary.users_created == len(USERS) - 1 and summary.answers > 0
    assert _counts() == counts


@pytest.mark.django_db
def test_a_token_never_changes_hands(restored):
    document = backup_document(usernames=["Ωмега_ü"])
    document["users"][0]["api_tokens"] = [dict(_find(restored, "ada")["api_tokens"][0], name="stolen")]
    counts = _counts()
    with pytest.raises(BackupConflictError, match=r"the API token 'llt_\w+' belongs to 'ada' in the database"):
        import_backup(document, replace=True)
    assert _counts() == counts


def _broken(document: dict) -> list[tuple[str, dict]]:
    """(expected message, document) for each kind of damage."""
    cases = []

    def case(message, change):
        doc = copy.deepcopy(document)
        change(doc)
        cases.append((message, doc))

    first = document["users"][0]
    name = first["username"]
    card = next(c for c in first["review_cards"] if c["logs"])
    index = first["review_cards"].index(card)
    case("backup version: this linlab reads version 1, the document is version 2", lambda d: d.update(version=2))
    case("backup format: expected 'linlab-backup', got 'zip': this is not a linlab backup", lambda d: d.update(format="zip"))
    case(f"backup users[0] ({name!r}): missing field 'email'", lambda d: d["users"][0].pop("email"))
    case(f"backup users[0] ({name!r}).check_answers[1].submission: expected a UUID, got 'not-a-uuid'",
         lambda d: d["users"][0]["check_answers"][1].update(submission="not-a-uuid"))
    case(f"backup users[0] ({name!r}).review_cards[{index}].logs[0].attempt: this user has no attempt 999 at "
         f"{card['lesson']}/{card['exercise']}", lambda d: d["users"][0]["review_cards"][index]["logs"][0].update(attempt=999))
    case(f"backup users[1] ({name!r}).username: repeats the username {name!r}", lambda d: d["users"].__setitem__(1, d["users"][0]))
    case(f"backup users[0] ({name!r}).date_joined: the time '2026-01-01T00:00:00' has no UTC offset",
         lambda d: d["users"][0].update(date_joined="2026-01-01T00:00:00"))
    case(f"backup users[0] ({name!r}).date_joined: the time '0001-01-01T00:00:00+01:00' is out of range in UTC",
         lambda d: d["users"][0].update(date_joined="0001-01-01T00:00:00+01:00"))
    case(f"backup users[0] ({name!r}).attempts[0].correct: is null but the attempt was answered (answered_at is set)",
         lambda d: d["users"][0]["attempts"][0].update(correct=None, answered_at="2026-01-01T00:00:00+00:00"))
    case(f"backup users[0] ({name!r}).language: expected one of en, ru, got 'de'", lambda d: d["users"][0].update(language="de"))
    case(f"backup users[0] ({name!r}).attempts[0].seed: expected an integer, got true",
         lambda d: d["users"][0]["attempts"][0].update(seed=True))
    case(f"backup users[0] ({name!r}).check_answers[0]: unknown field 'extra'",
         lambda d: d["users"][0]["check_answers"][0].update(extra=1))
    return cases


@pytest.mark.django_db
def test_a_damaged_document_is_refused_with_a_message_naming_the_field_and_writes_nothing(document, course_index):
    # The database is empty: an import would create every user, so nothing may appear.
    for message, broken in _broken(document):
        with pytest.raises(BackupError) as err:
            import_backup(broken)
        assert str(err.value) == message
        assert _counts() == (0,) * len(MODELS)
    import_backup(document)  # the undamaged one goes in
    assert get_user_model().objects.count() == len(USERS)


@pytest.mark.django_db
def test_export_of_chosen_users(restored):
    document = backup_document(usernames=["zoë", "李雷"])
    assert [u["username"] for u in document["users"]] == ["zoë", "李雷"]
    assert _find(document, "zoë")["attempts"] == [] and _find(document, "李雷")["attempts"]
    with pytest.raises(BackupError, match="^there is no user 'nobody' to export$"):
        backup_document(usernames=["ada", "nobody"])


@pytest.mark.django_db
def test_the_streamed_file_is_the_document(restored, tmp_path):
    path = tmp_path / "backup.json"
    with path.open("w", encoding="utf-8") as stream:
        summary = export_backup(stream)
    written = json.loads(path.read_text(encoding="utf-8"))
    assert _body(written) == _body(backup_document())
    assert (summary.users, summary.answers, summary.attempts, summary.cards, summary.tokens) == _counts()[:4] + _counts()[5:]


# --- the validator on any input ----------------------------------------------------------------------------

_STATE = Card(card_id=1, due=timezone.now()).to_dict()
SAMPLE = {
    "format": FORMAT, "version": VERSION, "exported": "2026-11-23T07:00:00+00:00",
    "users": [{
        "username": "ada", "email": "", "first_name": "", "last_name": "", "password": "md5$x$y", "is_active": True,
        "is_staff": False, "is_superuser": False, "date_joined": "2026-01-01T00:00:00+00:00", "last_login": None,
        "language": "ru",
        "check_answers": [{"lesson": "l", "question": "q", "submission": "12345678-1234-5678-1234-567812345678",
                           "text": "3", "correct": True, "feedback": "", "created": "2026-01-01T00:00:00+00:00"}],
        "attempts": [{"lesson": "l", "exercise": "e", "number": 1, "seed": 5, "review": False,
                      "created": "2026-01-01T00:00:00+00:00", "answer": "1", "correct": False, "score": 0.5,
                      "feedback": "", "answered_at": "2026-01-01T00:00:01+00:00"}],
        "review_cards": [{"lesson": "l", "exercise": "e", "due": "2026-01-02T00:00:00+00:00", "state": _STATE,
                          "reviews": 1, "logs": [{"attempt": 1, "rating": 2, "reviewed_at": "2026-01-01T00:00:01+00:00",
                                                  "due_after": "2026-01-02T00:00:00+00:00"}]}],
        "api_tokens": [{"name": "", "prefix": "llt_00000000", "key_hash": "0" * 64,
                        "created": "2026-01-01T00:00:00+00:00", "last_used": None}],
    }],
}

TIMES = st.builds(  # ISO times with any offset, the extreme years included
    lambda moment, minutes: moment.replace(tzinfo=dt_timezone(timedelta(minutes=minutes))).isoformat(),
    st.datetimes(), st.integers(-1439, 1439),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text() | TIMES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _paths(value, path=()):
    """Every path (tuple of keys and indexes) into a JSON value, the root excluded."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        yield path + (key,)
        yield from _paths(item, path + (key,))


PATHS = list(_paths(SAMPLE))


def _at(document, path):
    for key in path:
        document = document[key]
    return document


def test_the_sample_is_valid_and_every_user_field_is_in_it():
    (user,) = validate_backup(SAMPLE)
    assert set(user) == set(USER_FIELDS) == set(SAMPLE["users"][0])


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=JSON)
def test_any_json_is_refused_with_a_backup_error_only(value):
    with pytest.raises(BackupError):
        validate_backup(value)


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=JSON)
def test_a_document_with_any_value_replaced_is_read_or_refused_with_a_backup_error(path, value):
    document = copy.deepcopy(SAMPLE)
    _at(document, path[:-1])[path[-1]] = value
    try:
        validate_backup(document)
    except BackupError as err:
        assert str(err).startswith("backup ")


@given(path=st.sampled_from([p for p in PATHS if isinstance(p[-1], str) and p[-2:-1] != ("state",)]))
def test_any_missing_field_is_named(path):
    document = copy.deepcopy(SAMPLE)
    del _at(document, path[:-1])[path[-1]]
    with pytest.raises(BackupError, match=f"missing field '{path[-1]}'$"):
        validate_backup(document)


# --- the command line --------------------------------------------------------------------------------------

def _linlab(home: Path, *commands: list[str]) -> subprocess.CompletedProcess:
    """Run linlab commands one after the other in one fresh process, on SQLite in ``home``.

    One process for all of them: starting linlab costs seconds (it imports torch).  The database URL of
    the tests is not passed on, whatever database they run on.
    """
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["LINLAB_HOME"] = str(home)
    script = "import json, sys\nfrom linlab.cli import app\nfor args in json.loads(sys.argv[1]): app(args, standalone_mode=False)"
    return subprocess.run([sys.executable, "-c", script, json.dumps(commands)], env=env, capture_output=True, text=True,
                          timeout=120)


def _counted(document: dict) -> str:
    users = document["users"]
    rows = [sum(len(u[key]) for u in users) for key in ("check_answers", "attempts", "review_cards")]
    logs = sum(len(c["logs"]) for u in users for c in u["review_cards"])
    tokens = sum(len(u["api_tokens"]) for u in users)
    return (f"{rows[0]} answers, {rows[1]} attempts, {rows[2]} review cards, {logs} review logs, "
            f"{tokens} API tokens")


def test_cli_import_into_a_fresh_home_then_export_gives_the_same_document(document, tmp_path):
    source = tmp_path / "backup.json"
    source.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    home = tmp_path / "fresh"  # not there yet: import creates and migrates it

    target = tmp_path / "again.json"
    done = _linlab(home, ["import", str(source)], ["export", str(target)])
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (f"imported {len(USERS)} users ({len(USERS)} new, 0 merged): added {_counted(document)}; "
                           f"replaced 0 rows\nexported {len(USERS)} users: {_counted(document)} to {target}\n")
    assert _body(json.loads(target.read_text(encoding="utf-8"))) == _body(document)


def _run(capsys, *args: str) -> tuple[int, str, str]:
    """``linlab ARGS`` in this process, on the test database: (exit status, stdout, stderr)."""
    from unittest import mock

    from linlab.cli import run

    with mock.patch.object(sys, "argv", ["linlab", *args]):
        try:
            run()
            code = 0
        except SystemExit as stop:
            code = stop.code or 0
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.django_db
def test_cli_writes_files_and_reports_errors_in_one_line(document, course_index, tmp_path, capsys):
    source = tmp_path / "backup.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    assert _run(capsys, "import", str(source), "--dry-run") == (
        0, f"dry run, nothing written: imported {len(USERS)} users ({len(USERS)} new, 0 merged): added "
           f"{_counted(document)}; replaced 0 rows\n", "")
    assert get_user_model().objects.count() == 0
    assert _run(capsys, "import", str(source))[0] == 0
    again = tmp_path / "again.json"
    assert _run(capsys, "export", str(again), "--user", "zoë", "--user", "ada") == (
        0, f"exported 2 users: {_counted(dict(document, users=[_find(document, 'ada'), _find(document, 'zoë')]))} to {again}\n", "")
    assert _body(json.loads(again.read_text(encoding="utf-8"))) == _body(backup_document(usernames=["ada", "zoë"]))
    assert sorted(tmp_path.iterdir()) == sorted([source, again])  # no partial file left behind

    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(dict(document, version=2)), encoding="utf-8")
    assert _run(capsys, "import", str(broken)) == (
        1, "", "error: backup version: this linlab reads version 1, the document is version 2\n")
    broken.write_text('{"format": "linlab-backup", "users": [', encoding="utf-8")
    code, out, err = _run(capsys, "import", str(broken))
    assert (code, out) == (1, "") and err.startswith(f"error: {broken} is not JSON: ") and err.count("\n") == 1
    assert _run(capsys, "import", str(tmp_path / "missing.json")) == (
        1, "", f"error: cannot read {tmp_path / 'missing.json'}: No such file or directory\n")
    assert _run(capsys, "export", "-", "--user", "nobody") == (1, "", "error: there is no user 'nobody' to export\n")
    nowhere = tmp_path / "no-such-folder" / "b.json"
    assert _run(capsys, "export", str(nowhere)) == (1, "", f"error: cannot write {nowhere}: No such file or directory\n")
    kept = again.read_text(encoding="utf-8")
    assert _run(capsys, "export", str(again), "--user", "nobody")[0] == 1
    assert again.read_text(encoding="utf-8") == kept  # a failed export leaves the older backup as it was
    assert sorted(tmp_path.iterdir()) == sorted([source, again, broken])  # and no partial file
