"""Sign up, sign in, password change, and the language switch (saved on the learner's profile)."""

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
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(_next_url(request) or "home")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    pass


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
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, samesite="Lax",
                        secure=getattr(settings, "SESSION_COOKIE_SECURE", False))
    return response
