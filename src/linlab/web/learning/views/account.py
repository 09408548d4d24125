"""Sign up, sign in, password change, and the language switch (saved on the learner's profile).

Sign-in is throttled (:mod:`linlab.web.learning.throttle`): after repeated failures the sign-in page
answers 429 with a message saying when to try again, even for the right password.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import UserCreationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .. import throttle
from ..models import Profile
from .common import lang_of


class SignUpForm(UserCreationForm):
    """Username and password twice, checked by Django's password validators."""


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        Profile.objects.update_or_create(user=user, defaults={"language": lang_of(request)})
        login(request, user, backend=throttle.BACKEND)
        return redirect(_next_url(request) or "home")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)


class LoginView(auth_views.LoginView):
    """Django's sign-in page; a throttled attempt gets the form again with status 429 and ``Retry-After``.

    The throttle is checked before the form is validated, so a refused attempt never reaches the
    password check (the backend would refuse it too; this gives the page its message).
    """

    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        username = request.POST.get("username", "")
        refusal = throttle.refusal_for(username, throttle.client_of(request))
        if refusal is None:
            return super().post(request, *args, **kwargs)
        # An unbound form: a bound one would run the password check as soon as it shows its errors.
        form = self.get_form_class()(request, initial={"username": username[:150]})
        response = self.render_to_response(self.get_context_data(form=form, refusal=refusal.message), status=429)
        response["Retry-After"] = str(refusal.retry_after)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password (old one, new one twice), in the site's layout.

    The templates have names of their own: the admin app, listed first in ``INSTALLED_APPS``, ships
    ``registration/password_change_form.html`` and ``…_done.html``, which would be found before the site's.
    """

    template_name = "registration/change_password.html"


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    """The page after a password change, in the site's layout."""

    template_name = "registration/password_changed.html"


def _next_url(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return None


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the site to ``language`` (en/ru): on the profile when signed in, and in a cookie."""
    code = request.POST.get("language", "")
    if code not in dict(settings.LANGUAGES):
        return render(request, "learning/error.html", {"status": 400, "message": f"Unknown language {code[:20]!r}; choose en or ru."}, status=400)
    if request.user.is_authenticated:
        Profile.objects.update_or_create(user=request.user, defaults={"language": code})
    translation.activate(code)
    response = HttpResponseRedirect(_next_url(request) or "/")
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, path=settings.LANGUAGE_COOKIE_PATH,
                        domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
                        httponly=settings.LANGUAGE_COOKIE_HTTPONLY, samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax")
    return response
