"""Security of the site through the real HTTP stack: deployment settings, CSRF on every form and every
unsafe route, escaping of hostile text from every source (usernames, answers, lab inputs, lesson
Markdown), learners confined to their own rows, the admin confined to staff, password validators.

Routes are enumerated from the URLconf and the API's OpenAPI schema, so a new route is checked (or, for a
route with a parameter the tests do not know, makes them fail until it is classified).  Pages are read
with :mod:`html.parser`, never with string matching alone: a payload counts as inert when no element,
attribute or script came out of it, and as shown when its text is among the page's text and attribute
values.
"""

from __future__ import annotations

import io
import json
import os
import re
import runpy
import secrets
import shutil
import subprocess
import sys
import warnings
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern
from django.utils import timezone
from django.utils.html import escape as django_escape

from linlab.course import load_course
from linlab.web.api.models import ApiToken
from linlab.web.api.tokens import create_token
from linlab.web.labs.registry import LABS
from linlab.web.learning.actions import answer_attempt, current_attempt, record_check, review_attempt
from linlab.web.learning.models import Attempt, CheckAnswer, ExerciseGenerator, Profile, ReviewCard

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_COURSE = ROOT / "tests" / "course" / "fixtures" / "valid"
LESSON = "la-08-rank-nullity"
HTMX = {"HTTP_HX_REQUEST": "true"}
MARK = "7331"  # every payload calls alert(7331): an element, attribute or script carrying it came from a payload
PAYLOADS = [
    "<script>alert(7331)</script>",
    '"><img src=x onerror=alert(7331)>',
    "</textarea><svg onload=alert(7331)>",
    "javascript:alert(7331)",
]
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "hx-get", "hx-post"}


# -- reading pages ------------------------------------------------------------------------------------------


class Page(HTMLParser):
    """A page as elements, scripts, text and forms (entities decoded)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self.text: list[str] = []
        self.forms: list[dict[str, Any]] = []
        self._script: tuple[dict[str, str], list[str]] | None = None
        self._form: dict[str, Any] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.elements.append((tag, a))
        if tag == "script":
            self._script = (a, [])
        elif tag == "form":
            self._form = {"attrs": a, "fields": []}
            self.forms.append(self._form)
        elif tag in ("input", "textarea", "select", "button") and self._form is not None:
            self._form["fields"].append(a)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None
        elif tag == "form":
            self._form = None

    def handle_data(self, data: str) -> None:
        (self._script[1] if self._script is not None else self.text).append(data)

    @property
    def shown(self) -> str:
        """All text and attribute values, where escaped markup is visible as text."""
        return "".join(self.text) + "\n" + "\n".join(v for _, a in self.elements for v in a.values())


def assert_inert(html: str, *, shown: list[str] = ()) -> Page:
    """No element, event handler, script or ``javascript:`` link came out of a payload; ``shown`` texts
    are visible as text (escaped, not dropped)."""
    page = Page(html)
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            assert not (name.startswith("on") and MARK in value), f"<{tag} {name}={value!r}> came from a payload"
            if name in URL_ATTRIBUTES:
                assert not re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith("javascript:"), f"<{tag} {name}={value!r}>"
        assert not (tag in ("img", "svg", "iframe") and MARK in "".join(attrs.values())), f"<{tag}> came from a payload"
    for attrs, code in page.scripts:
        if attrs.get("type") == "application/json":
            assert "<" not in code, "JSON in a <script> must have < escaped"
        else:
            assert MARK not in code, f"a script carries the payload: {code[:200]!r}"
    for text in shown:
        assert text in page.shown, f"{text!r} is not shown on the page"
    return page


def test_the_inertness_check_catches_live_markup():
    """The oracle of the escaping tests, on markup that would run and on the same text escaped."""
    live = ["<p><script>alert(7331)</script></p>", '<p><img src=x onerror="alert(7331)"></p>',
            '<a href=" javascript:alert(7331)">x</a>', "<svg onload=alert(7331)>", "<textarea></textarea><svg onload=alert(7331)>"]
    for html in live:
        with pytest.raises(AssertionError):
            assert_inert(html)
    for payload in PAYLOADS:
        escaped = f"<p>{django_escape(payload)}</p><input value=\"{django_escape(payload)}\">"
        assert_inert(escaped, shown=[payload])
        with pytest.raises(AssertionError):
            assert_inert("<p>dropped</p>", shown=[payload])


def _routes() -> list[tuple[str, Any, str, URLPattern]]:
    """Every URL pattern: (route text, pattern object, namespace, URLPattern)."""
    found = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(x for x in (namespace, p.namespace) if x)
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            else:
                found.append((prefix + str(p.pattern), p.pattern, namespace, p))

    walk(get_resolver().url_patterns, "", "")
    return found


def _parameters(route: str, pattern: Any) -> list[str]:
    if isinstance(pattern, RegexPattern):
        return list(re.compile(str(pattern)).groupindex)
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


# Every route parameter, by what it names.  A parameter not listed here fails test_every_route_parameter_is_classified.
OWNED = {"attempt_id", "card_id", "prefix"}  # a learner's own rows: covered by the ownership tests below
COURSE = {"lesson_id", "question_id", "exercise_id"}  # public course content; writes go to the requester's rows
ADMIN = {"object_id", "id", "content_type_id", "app_label", "url"}  # admin routes: staff only (test_admin_*)
PUBLIC = {"name", "rest"}  # the API docs' asset files; the API's JSON 404 for unknown paths

OWNERSHIP_CASES = {  # route with an OWNED parameter -> the test that covers it
    "attempts/<int:attempt_id>/answer/": "test_another_learners_attempt_cannot_be_answered_on_the_site",
    "api/v1/attempts/<attempt_id>": "test_another_learners_ids_are_not_found_through_the_api",
    "api/v1/attempts/<attempt_id>/answer": "test_another_learners_ids_are_not_found_through_the_api",
    "api/v1/reviews/<card_id>/attempt": "test_another_learners_ids_are_not_found_through_the_api",
    "api/v1/tokens/<prefix>": "test_another_learners_ids_are_not_found_through_the_api",
}


USER_DATA = ("auth.User", "learning.Profile", "learning.CheckAnswer", "learning.Attempt", "learning.ReviewCard",
             "learning.ReviewLog", "learning.SignInFailure", "api.ApiToken")


def _user_rows() -> dict[str, Any]:
    """What a refused request must leave unchanged: every row of the learners' tables, the row count of
    every other table (the session table aside: it holds the client's own session)."""
    rows: dict[str, Any] = {}
    for model in apps.get_models():
        label = model._meta.label
        if label == "sessions.Session":
            continue
        rows[label] = sorted(map(repr, model.objects.values_list())) if label in USER_DATA else model.objects.count()
    return rows


# -- a populated database -----------------------------------------------------------------------------------


@pytest.fixture
def world(course_index, learner, other_learner):
    """Learner A (``ada``) with check answers, an answered and an open attempt, a due review card with
    its open review attempt, and an API token; learner B (``bob``) with nothing yet."""
    course = load_course()
    lesson = course.lessons[LESSON]
    check = lesson.checks[0]
    Profile.objects.update_or_create(user=learner, defaults={"language": "en"})
    record_check(learner, LESSON, check.id, check.answer_text, lang="en")
    gen = ExerciseGenerator.objects.get(lesson_id=LESSON, exercise_id=lesson.exercises[0].id)
    answered = current_attempt(learner, gen)
    answer_attempt(learner, answered.pk, "0", lang="en")
    card = ReviewCard.objects.get(user=learner, generator=gen)
    ReviewCard.objects.filter(pk=card.pk).update(due=timezone.now() - timedelta(hours=1))
    card.refresh_from_db()
    review = review_attempt(learner, card)
    gen2 = ExerciseGenerator.objects.get(lesson_id=LESSON, exercise_id=lesson.exercises[1].id)
    open_attempt = current_attempt(learner, gen2)
    token_row, token = create_token(learner, name="ada's notebook")
    return {
        "A": learner, "B": other_learner, "lesson": lesson, "check": check, "gen": gen,
        "answered": answered, "open": open_attempt, "review": review, "card": card,
        "token_row": token_row, "token": token,
    }


def _sample_values(world: dict[str, Any]) -> dict[str, str]:
    lesson = world["lesson"]
    return {
        "lesson_id": LESSON, "question_id": world["check"].id, "exercise_id": lesson.exercises[1].id,
        "attempt_id": str(world["open"].pk), "card_id": str(world["card"].pk), "prefix": world["token_row"].prefix,
        "object_id": str(world["open"].pk), "id": str(world["A"].pk), "content_type_id": "1",
        "name": "swagger-ui.css", "rest": "no-such-endpoint",
    }


def _url(route: str, pattern: Any, namespace: str, p: URLPattern, values: dict[str, str]) -> str:
    if isinstance(pattern, RegexPattern):
        groups = list(re.compile(str(pattern)).groupindex)
        if p.name:
            return reverse(f"{namespace}:{p.name}" if namespace else p.name, kwargs={g: {"app_label": "learning"}[g] for g in groups})
        if groups == ["url"]:
            return reverse(f"{namespace}:index") + "no-such-page/"
        raise AssertionError(f"add a sample URL for the regex route {route!r}")
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route)


def _signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


# -- deployment settings (subprocesses: settings are read once, at import) ----------------------------------


@pytest.fixture(scope="module")
def deploy_check(tmp_path_factory) -> tuple[int, str]:
    """``python -m linlab.web check --deploy --fail-level WARNING`` in a new process with the production
    environment: (exit status, output)."""
    home = tmp_path_factory.mktemp("home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINLAB_", "DJANGO_"))}
    env.update(LINLAB_HOME=str(home), SECRET_KEY=secrets.token_urlsafe(50), LINLAB_ALLOWED_HOSTS="example.org",
               LINLAB_PRODUCTION="1")
    done = subprocess.run([sys.executable, "-m", "linlab.web", "check", "--deploy", "--fail-level", "WARNING"], env=env,
                          cwd=home, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    return done.returncode, done.stdout


@pytest.fixture
def production_settings(tmp_path, monkeypatch) -> dict[str, Any]:
    """The settings module executed afresh with the production environment (as a new process imports it)."""
    for name in [k for k in os.environ if k.startswith("LINLAB_")]:
        monkeypatch.delenv(name)
    for name, value in {"LINLAB_PRODUCTION": "1", "SECRET_KEY": secrets.token_urlsafe(50),
                        "LINLAB_ALLOWED_HOSTS": "example.org", "LINLAB_HOME": str(tmp_path)}.items():
        monkeypatch.setenv(name, value)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # runpy: the module is also imported (as Django's settings)
        return runpy.run_module("linlab.web.settings", run_name="linlab_production_settings")


def test_check_deploy_is_clean_in_production(deploy_check):
    code, output = deploy_check
    assert code == 0, output
    assert "System check identified no issues" in output


def test_check_deploy_flags_a_development_configuration():
    """The negative control: the same command with the settings of this (non-production) process finds
    problems, so the clean run above means something."""
    out = io.StringIO()
    with pytest.raises(SystemCheckError) as raised:
        call_command("check", "--deploy", "--fail-level", "WARNING", stdout=out, stderr=out)
    assert "security.W012" in str(raised.value) and "security.W004" in str(raised.value)  # cookie not secure, no HSTS


def test_production_settings_secure_the_cookies_and_transport(production_settings):
    values = production_settings
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["LANGUAGE_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["SECURE_CONTENT_TYPE_NOSNIFF"]
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SECURE_SSL_REDIRECT"] and values["DEBUG"] is False and values["X_FRAME_OPTIONS"] == "DENY"
    assert values["AUTHENTICATION_BACKENDS"] == ["linlab.web.learning.throttle.ThrottledModelBackend"]


def test_production_cookies_are_secure_over_https(production_settings, settings, learner, course_index):
    """Sign in over HTTPS with the production settings."""
    values = production_settings
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
                 "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT"):
        setattr(settings, name, values[name])
    client = Client(enforce_csrf_checks=True)
    plain = client.get("/accounts/login/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    page = client.get("/accounts/login/", secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    token = next(f["value"] for form in Page(page.content.decode()).forms for f in form["fields"]
                 if f.get("name") == "csrfmiddlewaretoken")
    https = {"secure": True, "HTTP_REFERER": "https://testserver/accounts/login/"}  # HTTPS posts need a same-site Referer
    signed = client.post("/accounts/login/", {"username": "ada", "password": "a-long-passphrase-1", "csrfmiddlewaretoken": token},
                         **https)
    assert signed.status_code == 302
    session = signed.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    token = client.cookies["csrftoken"].value  # signing in rotates the token
    language = client.post("/language/", {"language": "ru", "csrfmiddlewaretoken": token}, **https)
    assert language.status_code == 302 and language.cookies["django_language"]["secure"]


# -- CSRF -------------------------------------------------------------------------------------------------


def _csrf_secret(client: Client) -> str:
    return client.cookies["csrftoken"].value


def _assert_forms_carry_the_token(html: str, secret: str, where: str) -> int:
    page = Page(html)
    count = 0
    for form in page.forms:
        if form["attrs"].get("method", "get").lower() != "post":
            continue
        tokens = [f.get("value", "") for f in form["fields"] if f.get("name") == "csrfmiddlewaretoken"]
        assert tokens, f"{where}: a POST form without a CSRF token: {form['attrs']}"
        assert _unmask_cipher_token(tokens[0]) == secret, f"{where}: the form's token is not this browser's"
        count += 1
    for tag, attrs in page.elements:
        if tag == "body" and "hx-headers" in attrs:  # htmx requests outside forms carry the token in a header
            assert _unmask_cipher_token(json.loads(attrs["hx-headers"])["X-CSRFToken"]) == secret, where
        if any(k in attrs for k in ("hx-post", "hx-put", "hx-patch", "hx-delete")) and tag != "form":
            assert any(t == "body" and "hx-headers" in a for t, a in page.elements), f"{where}: <{tag}> posts without a token"
    return count


def test_every_post_form_a_learner_can_reach_carries_a_working_csrf_token(world):
    course = load_course()
    A = world["A"]
    client = _signed_in(A, enforce_csrf_checks=True)
    client.get("/")  # sets the CSRF cookie
    secret = _csrf_secret(client)
    forms = 0
    pages = ["/", "/reviews/", "/progress/", "/accounts/password/", "/labs/", *(f"/labs/{slug}/" for slug in LABS)]
    for lesson in course.lessons.values():
        pages += [f"/lessons/{lesson.id}/exercises/{e.id}/" for e in lesson.exercises]
    for lang in ("en", "ru"):
        Profile.objects.filter(user=A).update(language=lang)
        for url in [*(f"/lessons/{lesson_id}/" for lesson_id in course.lessons), *(pages if lang == "en" else ())]:
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["Content-Language"] == lang
            forms += _assert_forms_carry_the_token(response.content.decode(), secret, url)
    Profile.objects.filter(user=A).update(language="en")
    # fragments that htmx swaps in, and the forms they bring
    token = {"HTTP_X_CSRFTOKEN": secret}
    check = world["check"]
    fragment = client.post(f"/lessons/{LESSON}/checks/{check.id}/", {"answer": "17"}, **HTMX, **token)
    forms += _assert_forms_carry_the_token(fragment.content.decode(), secret, "check fragment")
    fragment = client.post(f"/attempts/{world['open'].pk}/answer/", {"answer": "1"}, **HTMX, **token)
    assert fragment.status_code == 200
    forms += _assert_forms_carry_the_token(fragment.content.decode(), secret, "answered attempt fragment")
    fragment = client.post("/labs/linear-map/compute/", {"matrix": "1 2; 3 4"}, **HTMX, **token)
    forms += _assert_forms_carry_the_token(fragment.content.decode(), secret, "lab fragment")
    # pages of a visitor who is not signed in
    visitor = Client(enforce_csrf_checks=True)
    visitor.get("/")
    for url in ["/accounts/login/", "/accounts/signup/", "/admin/login/", f"/lessons/{LESSON}/", "/labs/svd/"]:
        response = visitor.get(url)
        assert response.status_code == 200, url
        forms += _assert_forms_carry_the_token(response.content.decode(), _csrf_secret(visitor), url)
    assert forms > 2 * sum(len(lesson.checks) for lesson in course.lessons.values())  # the walk did see the forms


def test_every_route_refuses_a_post_without_the_csrf_token(world):
    """Each Django route, POSTed by a signed-in learner without the token: 403 and nothing written; with
    the token the same request gets past the check (so the 403 is the token's doing)."""
    values = _sample_values(world)
    A = world["A"]
    refused = _signed_in(A, enforce_csrf_checks=True)
    refused.get("/")
    allowed = _signed_in(A, enforce_csrf_checks=True)
    allowed.get("/")
    checked = 0
    for route, pattern, namespace, p in _routes():
        if getattr(p.callback, "csrf_exempt", False):
            assert route.startswith("api/v1/"), f"{route} is exempt from CSRF checks"
            continue  # the API's endpoints check the token themselves: next test
        url = _url(route, pattern, namespace, p, values)
        before = _user_rows()
        data = {"answer": "1", "language": "ru", "username": "ada", "password": "x", "old_password": "not-the-password",
                "new_password1": "another-long-one-7", "new_password2": "another-long-one-7", "matrix": "1 2; 3 4"}
        response = refused.post(url, data)
        assert response.status_code == 403, f"POST {url} without a CSRF token: {response.status_code}"
        assert _user_rows() == before, f"POST {url} without a CSRF token changed the database"
        assert refused.session.get("_auth_user_id") == str(A.pk)  # still signed in (a refused logout did nothing)
        if allowed.session.get("_auth_user_id") != str(A.pk):  # the last control signed out
            allowed = _signed_in(A, enforce_csrf_checks=True)
            allowed.get("/")
        response = allowed.post(url, data, HTTP_X_CSRFTOKEN=_csrf_secret(allowed))
        assert response.status_code != 403, f"POST {url} with the token is refused too ({response.status_code})"
        checked += 1
    assert checked > 20


NO_CSRF = ("CSRF check failed: a browser session must send the X-CSRFToken header with POST, PUT, PATCH and "
           "DELETE requests (or use an API token instead).")


def test_every_unsafe_api_endpoint_refuses_a_session_without_the_csrf_token(world, client):
    values = _sample_values(world)
    schema = client.get("/api/v1/openapi.json").json()
    A = world["A"]
    session = _signed_in(A, enforce_csrf_checks=True)
    session.get("/")
    unsafe = 0
    for path, operations in schema["paths"].items():
        url = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
        for method in operations:
            if method.upper() in ("GET", "HEAD", "OPTIONS"):
                continue
            before = _user_rows()
            send = getattr(session, method.lower())
            response = send(url, data=json.dumps({"answer": "1", "name": "x"}), content_type="application/json")
            assert response.status_code == 403, f"{method.upper()} {url}: {response.status_code}"
            assert response.json() == {"detail": NO_CSRF}
            assert _user_rows() == before
            ok = send(url, data=json.dumps({"answer": "1", "name": "x"}), content_type="application/json",
                      HTTP_X_CSRFTOKEN=_csrf_secret(session))
            assert ok.status_code != 403, f"{method.upper()} {url} with the token: {ok.status_code}"
            unsafe += 1
    assert unsafe >= 6  # check answers, start/answer attempts, review, create/revoke tokens


def test_the_api_routes_are_the_schemas_routes():
    """The CSRF and ownership tests enumerate the API from its schema; it must list every API route."""
    from linlab.web.api.api import api

    schema_paths = {re.sub(r"\{(\w+)\}", r"<\1>", p) for p in api.get_openapi_schema()["paths"]}
    url_paths = {"/" + r for r, _, ns, p in _routes() if ns == "api-v1" and getattr(p.callback, "csrf_exempt", False)}
    assert url_paths == schema_paths


# -- hostile text -------------------------------------------------------------------------------------------


def test_signup_refuses_markup_in_a_username_and_shows_it_escaped(client, course_index):
    for payload in PAYLOADS:
        response = client.post("/accounts/signup/", {"username": payload, "password1": "a-long-passphrase-3",
                                                     "password2": "a-long-passphrase-3"})
        assert response.status_code == 400
        page = assert_inert(response.content.decode(), shown=[payload])
        assert "Enter a valid username" in page.shown
    assert not User.objects.filter(username__contains=MARK).exists()


@pytest.mark.parametrize("payload", PAYLOADS[:2])
def test_a_username_with_markup_is_inert_everywhere_it_is_shown(course_index, django_user_model, payload):
    """A name that skipped the form's validator (an import, an old account) is still only text."""
    user = django_user_model.objects.create_user(username=payload, password="a-long-passphrase-4")
    client = _signed_in(user)
    check = load_course().lessons[LESSON].checks[0]
    record_check(user, LESSON, check.id, "17", lang="en")
    for url in ["/", "/progress/", "/reviews/", f"/lessons/{LESSON}/", "/accounts/password/", "/labs/"]:
        assert_inert(client.get(url).content.decode(), shown=[payload])
    staff = django_user_model.objects.create_user(username="root", password="x", is_staff=True, is_superuser=True)
    admin = _signed_in(staff)
    for url in ["/admin/auth/user/", "/admin/learning/checkanswer/", f"/admin/auth/user/{user.pk}/change/"]:
        response = admin.get(url)
        assert response.status_code == 200
        assert_inert(response.content.decode(), shown=[payload])


def _first(course, kind: str, answer_type: str):
    for lesson in course.lessons.values():
        items = lesson.checks if kind == "check" else lesson.exercises
        for item in items:
            if (item.type if kind == "check" else item.answer_type) == answer_type:
                return lesson, item
    raise AssertionError(f"no {answer_type} {kind} in the course")


@pytest.mark.parametrize("answer_type", ["integer", "matrix"])
def test_answers_with_markup_come_back_as_text(signed_in, learner, course_index, answer_type):
    course = load_course()
    lesson, check = _first(course, "check", answer_type)
    _, exercise = _first(course, "exercise", answer_type)
    ex_lesson = next(each for each in course.lessons.values() if exercise in each.exercises)
    for payload in PAYLOADS:
        url = f"/lessons/{lesson.id}/checks/{check.id}/"
        assert_inert(signed_in.post(url, {"answer": payload}, **HTMX).content.decode(), shown=[payload])
        assert_inert(signed_in.get(f"/lessons/{lesson.id}/").content.decode(), shown=[payload])  # the last wrong answer
        signed_in.get(f"/lessons/{ex_lesson.id}/exercises/{exercise.id}/")  # opens an attempt
        attempt_id = Attempt.objects.filter(user=learner, answered_at__isnull=True).latest("id").pk
        result = signed_in.post(f"/attempts/{attempt_id}/answer/", {"answer": payload}, **HTMX)
        assert result.status_code == 200 and 'data-correct="false"' in result.content.decode()
        assert_inert(result.content.decode(), shown=[payload])
        page = signed_in.get(f"/lessons/{ex_lesson.id}/exercises/{exercise.id}/?attempt={attempt_id}")
        assert_inert(page.content.decode(), shown=[payload])  # the history beside it, cut short, is inert too
        signed_in.post(f"/lessons/{ex_lesson.id}/exercises/{exercise.id}/new/")
    assert CheckAnswer.objects.filter(user=learner, text__in=PAYLOADS).count() == len(PAYLOADS)


def test_api_feedback_html_of_hostile_answers_is_inert(world):
    check = world["check"]
    api = Client(headers={"Authorization": f"Bearer {world['token']}"})
    for payload in [*PAYLOADS, "[x](javascript:alert(7331))", "<javascript:alert(7331)>", "$\\href{javascript:alert(7331)}{x}$"]:
        body = api.post(f"/api/v1/lessons/{LESSON}/checks/{check.id}", data=json.dumps({"answer": payload}),
                        content_type="application/json").json()
        assert_inert(body["feedback_html"], shown=[body["feedback"]])  # the parser's message quotes the bad character
        attempt = api.post(f"/api/v1/lessons/{LESSON}/exercises/{world['lesson'].exercises[2].id}/attempts").json()
        graded = api.post(f"/api/v1/attempts/{attempt['id']}/answer", data=json.dumps({"answer": payload}),
                          content_type="application/json").json()
        assert graded["answer"] == payload
        assert_inert(graded["feedback_html"], shown=[graded["feedback"]])


def test_every_lab_field_shows_markup_as_text(client):
    for slug, lab in LABS.items():
        for field in lab.fields:
            for payload in PAYLOADS[:3]:
                for url in (f"/labs/{slug}/", f"/labs/{slug}/compute/"):
                    response = client.post(url, {field.name: payload}, **(HTMX if "compute" in url else {}))
                    assert response.status_code in (200, 400), (slug, field.name)
                    # a typed value comes back (cut to the field's length) in its field; a choice is only checked
                    shown = [payload[: field.max_length]] if field.kind in ("text", "textarea") else []
                    assert_inert(response.content.decode(), shown=shown)


# A lesson whose every text field carries markup.
HOSTILE_LESSON = "tt-01-vectors"
LESSON_PAYLOADS = {
    "title": "<script>alert(7331)</script> T",
    "category": '"><img src=x onerror=alert(7331)> C',
    "why": "<img src=x onerror=alert(7331)> W",
    "topic": "[x](javascript:alert(7331)) N",
    "item": "<svg onload=alert(7331)> I",
    "heading": "<script>alert(7331)</script> H",
    "body": '<a href="javascript:alert(7331)">link</a> B',
    "question": "<iframe src=javascript:alert(7331)></iframe> Q",
    "explain": "<img src=x onerror=alert(7331)> E",
    "reflection": "<javascript:alert(7331)> R",
    "choice": "<script>alert(7331)</script> choice",
    "prompt": '"><script>alert(7331)</script> P',
    "option": "<img src=x onerror=alert(7331)> O",
    "solution": "<svg onload=alert(7331)> S",
    "hint": "<script>alert(7331)</script> feedback",
    "extitle": "<script>alert(7331)</script> X",
}

HOSTILE_EXERCISE = '''

@exercise("hostile", answer_type="choice", title={{"en": {extitle!r}, "ru": {extitle!r}}})
def hostile(rng: random.Random) -> Variant:
    options = [{option!r}, "two"]
    return Variant(
        prompt={{"en": {prompt!r}, "ru": {prompt!r}}},
        answer=answers.Choice({{"en": options, "ru": options}}, 1, hints={{"1": {{"en": {hint!r}, "ru": {hint!r}}}}}),
        solution={{"en": {solution!r}, "ru": {solution!r}}},
    )
'''


def _hostile_course(tmp_path: Path) -> Path:
    root = tmp_path / "lessons"
    shutil.copytree(FIXTURE_COURSE, root, ignore=shutil.ignore_patterns("__pycache__"))
    folder = root / HOSTILE_LESSON
    p = LESSON_PAYLOADS
    for lang in ("en", "ru"):
        path = folder / f"lesson.{lang}.md"
        text = path.read_text()
        text = re.sub(r"(?m)^title: (.+)$", lambda m: f"title: '{p['title']} {m[1]}'", text)
        text = re.sub(r"(?m)^category: (.+)$", lambda m: f"category: '{p['category']}'", text)
        text = re.sub(r"(?m)^    why: (.+)$", lambda m: f"    why: '{p['why']} {m[1]}'", text)
        text = re.sub(r"(?m)^  - topic: (.+)$", lambda m: f"  - topic: '{p['topic']}'", text)
        text = re.sub(r"(?m)^  - '", lambda m: f"  - '{p['item']} ", text)
        text = re.sub(r"(?m)^## (.+) \{#definition\}$", lambda m: f"## {p['heading']} {m[1]} {{#definition}}\n\n{p['body']}", text)
        text = re.sub(r"(?m)^question: (.+)$", lambda m: f"question: '{p['question']} {m[1]}'", text)
        text = re.sub(r"(?m)^explain: (.+)$", lambda m: f"explain: '{p['explain']} {m[1]}'", text)
        text = re.sub(r"(?m)^answer: ([^\"|].+)$", lambda m: f"answer: '{p['reflection']} {m[1]}'", text)
        text = re.sub(r'(?m)^type: yesno\n(question: .+\n)answer: "yes"$',
                      lambda m: f"type: choice\n{m[1]}choices:\n  - '{p['choice']}'\n  - 'yes'\nanswer: \"2\"", text)
        path.write_text(text)
    with (folder / "exercises.py").open("a") as f:
        f.write(HOSTILE_EXERCISE.format(**p))
    return root


@pytest.fixture
def hostile_course(tmp_path, monkeypatch, settings, db):
    root = _hostile_course(tmp_path)
    monkeypatch.setenv("LINLAB_CONTENT", str(root))
    settings.LINLAB_COURSE_RECHECK_SECONDS = 0  # the lesson page asks for the course again (it now comes from root)
    course = load_course()
    from linlab.web.learning.sync import sync_course

    sync_course()
    return course


def test_markup_in_every_field_of_a_lesson_is_shown_as_text(hostile_course, learner, django_user_model):
    lesson = hostile_course.lessons[HOSTILE_LESSON]
    assert lesson.title["en"].startswith(LESSON_PAYLOADS["title"]) and lesson.checks[-1].type == "choice"
    client = _signed_in(learner)
    Profile.objects.update_or_create(user=learner, defaults={"language": "en"})
    everywhere = [v for k, v in LESSON_PAYLOADS.items() if k not in ("explain", "prompt", "option", "solution", "hint", "extitle")]
    for lang in ("en", "ru"):
        Profile.objects.filter(user=learner).update(language=lang)
        response = client.get(f"/lessons/{HOSTILE_LESSON}/")
        assert response.status_code == 200
        assert_inert(response.content.decode(), shown=everywhere)
        assert_inert(client.get("/").content.decode(), shown=[LESSON_PAYLOADS["title"]])
        assert_inert(client.get("/progress/").content.decode(), shown=[LESSON_PAYLOADS["title"]])
        detail = client.get(f"/api/v1/lessons/{HOSTILE_LESSON}").json()
        assert_inert("".join(s["title"] + s["html"] for s in detail["sections"]))
    Profile.objects.filter(user=learner).update(language="en")
    check = lesson.checks[0]  # answered right: the explanation appears
    right = client.post(f"/lessons/{HOSTILE_LESSON}/checks/{check.id}/", {"answer": check.answer_text}, **HTMX)
    assert_inert(right.content.decode(), shown=[LESSON_PAYLOADS["explain"]])
    exercise_url = f"/lessons/{HOSTILE_LESSON}/exercises/hostile/"
    page = client.get(exercise_url)
    assert_inert(page.content.decode(), shown=[LESSON_PAYLOADS["prompt"], LESSON_PAYLOADS["option"], LESSON_PAYLOADS["extitle"]])
    attempt = Attempt.objects.get(user=learner, generator__exercise_id="hostile")
    graded = client.post(f"/attempts/{attempt.pk}/answer/", {"answer": "1"}, **HTMX)
    assert 'data-correct="false"' in graded.content.decode()
    assert_inert(graded.content.decode(), shown=[LESSON_PAYLOADS["solution"], LESSON_PAYLOADS["hint"]])
    staff = django_user_model.objects.create_user(username="root", password="x", is_staff=True, is_superuser=True)
    assert_inert(_signed_in(staff).get("/admin/learning/lesson/").content.decode(), shown=[LESSON_PAYLOADS["title"]])


# -- ownership ----------------------------------------------------------------------------------------------


def test_every_route_parameter_is_classified():
    """A new route with a parameter must be classified here (and, if it names a learner's rows, tested)."""
    for route, pattern, _, _ in _routes():
        for name in _parameters(route, pattern):
            assert name in OWNED | COURSE | ADMIN | PUBLIC, f"classify the parameter {name!r} of {route!r}"
            if name in OWNED:
                assert route in OWNERSHIP_CASES, f"{route!r} takes a learner's {name}: add an ownership test"
            if name in ADMIN:
                assert route.startswith("admin/"), route
    for route, test in OWNERSHIP_CASES.items():
        assert test in globals(), test
        assert any(r == route for r, *_ in _routes()), f"{route!r} is gone: update OWNERSHIP_CASES"


def _rows_of(user) -> dict[str, list[dict]]:
    return {
        "attempts": list(Attempt.objects.filter(user=user).order_by("pk").values()),
        "answers": list(CheckAnswer.objects.filter(user=user).order_by("pk").values()),
        "cards": list(ReviewCard.objects.filter(user=user).order_by("pk").values()),
        "tokens": list(ApiToken.objects.filter(user=user).order_by("pk").values()),
        "profile": list(Profile.objects.filter(user=user).values()),
    }


def test_another_learners_attempt_cannot_be_answered_on_the_site(world):
    A, B = world["A"], world["B"]
    before = _rows_of(A)
    bob = _signed_in(B)
    for attempt in (world["open"], world["review"], world["answered"]):
        for extra in ({}, HTMX):
            response = bob.post(f"/attempts/{attempt.pk}/answer/", {"answer": "1"}, **extra)
            assert response.status_code == 404
            assert "attempt" in response.content.decode().lower()
    gen = world["open"].generator
    looked = bob.get(f"/lessons/{gen.lesson_id}/exercises/{gen.exercise_id}/?attempt={world['open'].pk}")
    assert looked.status_code == 404 and f'id="attempt-{world["open"].pk}"' not in looked.content.decode()
    answered = world["answered"]
    reviews = bob.get(f"/reviews/?answered={answered.pk}").content.decode()
    assert f'id="attempt-{answered.pk}"' not in reviews and f'data-attempt="{answered.pk}"' not in reviews
    assert f'id="attempt-{world["review"].pk}"' not in reviews
    assert _rows_of(A) == before
    assert not Attempt.objects.filter(user=B, pk__in=[world["open"].pk, world["review"].pk]).exists()


def test_another_learners_ids_are_not_found_through_the_api(world):
    A, B = world["A"], world["B"]
    before = _rows_of(A)
    _, bob_token = create_token(B, name="bob")
    by_session = _signed_in(B)
    by_session.get("/")
    callers = [(Client(headers={"Authorization": f"Bearer {bob_token}"}), {}),
               (by_session, {"HTTP_X_CSRFTOKEN": by_session.cookies["csrftoken"].value})]
    for bob, headers in callers:
        for attempt in (world["open"], world["answered"], world["review"]):
            got = bob.get(f"/api/v1/attempts/{attempt.pk}")
            assert got.status_code == 404 and got.json() == {"detail": f"You have no attempt {attempt.pk}."}
            answered = bob.post(f"/api/v1/attempts/{attempt.pk}/answer", data=json.dumps({"answer": "1"}),
                                content_type="application/json", **headers)
            assert answered.status_code == 404, answered.content
        review = bob.post(f"/api/v1/reviews/{world['card'].pk}/attempt", **headers)
        assert review.status_code == 404 and review.json() == {"detail": f"You have no review card {world['card'].pk} due now."}
        revoke = bob.delete(f"/api/v1/tokens/{world['token_row'].prefix}", **headers)
        assert revoke.status_code == 404
        assert world["token_row"].prefix not in json.dumps(bob.get("/api/v1/tokens").json())
        # lists show only the caller's own rows
        assert bob.get("/api/v1/reviews/due").json() == []
        progress = bob.get("/api/v1/progress").json()
        assert {p["state"] for p in progress} == {"not-started"} and not any(p["reviews_due"] for p in progress)
    assert _rows_of(A) == before
    alice = Client(headers={"Authorization": f"Bearer {world['token']}"})  # the controls: A sees her own
    assert alice.get(f"/api/v1/attempts/{world['open'].pk}").status_code == 200
    assert {p["lesson"]: p["state"] for p in alice.get("/api/v1/progress").json()}[LESSON] != "not-started"
    assert [c["id"] for c in alice.get("/api/v1/reviews/due").json()] == [world["card"].pk]


def test_a_learners_pages_show_none_of_another_learners_work(world):
    A, B = world["A"], world["B"]
    before = _rows_of(A)
    bob = _signed_in(B)
    progress = Page(bob.get("/progress/").content.decode())
    stats = {a["data-stat"]: None for _, a in progress.elements if "data-stat" in a}
    html = bob.get("/progress/").content.decode()
    for stat in stats:
        assert re.search(rf'data-stat="{stat}">0<', html), stat
    lesson_page = bob.get(f"/lessons/{LESSON}/").content.decode()
    assert 'data-correct="true"' not in lesson_page  # A's right answer is not shown to B
    # B's own answers and attempts at the same questions go to B's rows
    check = world["check"]
    bob.post(f"/lessons/{LESSON}/checks/{check.id}/", {"answer": check.answer_text})
    gen = world["open"].generator
    bob.get(f"/lessons/{gen.lesson_id}/exercises/{gen.exercise_id}/")
    bob.post(f"/lessons/{gen.lesson_id}/exercises/{gen.exercise_id}/new/")
    assert _rows_of(A) == before
    assert CheckAnswer.objects.filter(user=B).count() == 1 and Attempt.objects.filter(user=B).count() == 1


# -- the admin ----------------------------------------------------------------------------------------------


def _admin_urls(values: dict[str, str]) -> list[str]:
    return [_url(r, pattern, ns, p, values) for r, pattern, ns, p in _routes() if r.startswith("admin/")
            and p.name not in ("login", "logout", "jsi18n")]  # the sign-in itself, and the public translation catalogue


def test_admin_pages_need_staff(world, django_user_model):
    urls = _admin_urls(_sample_values(world))
    assert len(urls) > 30
    anonymous, learner = Client(), _signed_in(world["A"])
    for url in urls:
        for who, client in (("anonymous", anonymous), ("learner", learner)):
            response = client.get(url)
            assert response.status_code == 302, f"{who} GET {url}: {response.status_code}"
            assert response["Location"].startswith("/admin/login/"), (who, url, response["Location"])
    shown = learner.get("/admin/", follow=True)
    page = shown.content.decode()
    assert shown.redirect_chain[-1][0].startswith("/admin/login/")
    assert "You are authenticated as ada, but are not authorized to access this page" in page
    assert "/admin/learning/attempt/" not in page and "app-learning" not in page  # no model list
    staff = django_user_model.objects.create_user(username="root", password="x", is_staff=True, is_superuser=True)
    index = _signed_in(staff).get("/admin/")
    assert index.status_code == 200 and "/admin/learning/attempt/" in index.content.decode()


# -- passwords ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username, password", [
    ("carol", "password"),
    ("carol", "12345678"),
    ("frederick-mercury", "frederick-mercury"),
    ("carol", "k3#qz"),
])
def test_weak_passwords_are_refused_with_the_validators_message(client, course_index, username, password):
    try:
        password_validation.validate_password(password, User(username=username))
    except ValidationError as err:
        expected = err.messages
    else:
        raise AssertionError(f"the validators accept {password!r}")
    response = client.post("/accounts/signup/", {"username": username, "password1": password, "password2": password})
    assert response.status_code == 400
    shown = Page(response.content.decode()).shown
    for message in expected:
        assert message in shown
    assert not User.objects.filter(username=username).exists()


def test_a_strong_password_is_accepted(client, course_index):
    response = client.post("/accounts/signup/", {"username": "carol", "password1": "violet-harbour-77",
                                                 "password2": "violet-harbour-77"})
    assert response.status_code == 302 and User.objects.filter(username="carol").exists()
