"""Django settings of the linlab site, read from the environment.

Environment
-----------
LINLAB_HOME
    Data folder (SQLite database, development secret key); see :mod:`linlab.web.home`.
DATABASE_URL
    A database URL (``postgres://user@host:5432/name``); default SQLite in ``LINLAB_HOME``.
LINLAB_PRODUCTION
    ``1`` for a deployment: DEBUG off, ``SECRET_KEY`` required, secure cookies, HSTS, manifest static files.
SECRET_KEY
    Required in production; elsewhere a random key is created once in ``LINLAB_HOME/secret_key``.
LINLAB_ALLOWED_HOSTS
    Comma-separated host names (default: loopback names only).
LINLAB_DEBUG
    ``1`` shows Django's debug pages (never in production).
LINLAB_TRUSTED_PROXIES
    Comma-separated addresses of the reverse proxies in front of the site; for their requests the
    sign-in throttle takes the client's address from ``X-Forwarded-For`` (see
    :mod:`linlab.web.learning.throttle`).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from .home import linlab_home

BASE_DIR = Path(__file__).resolve().parent
HOME = linlab_home()

PRODUCTION = os.environ.get("LINLAB_PRODUCTION", "") == "1"
DEBUG = not PRODUCTION and os.environ.get("LINLAB_DEBUG", "") == "1"


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    if PRODUCTION:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("LINLAB_PRODUCTION=1 needs SECRET_KEY in the environment (50+ random characters)")
    path = HOME / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("LINLAB_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("LINLAB_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "linlab.web.learning",
    "linlab.web.labs",
    "linlab.web.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "linlab.web.learning.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "linlab.web.learning.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "linlab.web.urls"
WSGI_APPLICATION = "linlab.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "linlab.web.learning.context.site",
            ],
        },
    },
]

_SQLITE = f"sqlite:///{HOME / 'linlab.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or _SQLITE, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several gunicorn threads write at once: wait for the lock instead of failing, and take the write
    # lock at BEGIN so a read-then-write transaction cannot deadlock.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    DATABASES["default"].pop("CONN_HEALTH_CHECKS", None)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Every password sign-in (the site's page and the admin's) goes through the sign-in throttle.
AUTHENTICATION_BACKENDS = ["linlab.web.learning.throttle.ThrottledModelBackend"]
LINLAB_SIGNIN_USERNAME_LIMIT = 5  # failed sign-ins per username ...
LINLAB_SIGNIN_IP_LIMIT = 20  # ... and per client address, in the window ...
LINLAB_SIGNIN_WINDOW_SECONDS = 15 * 60  # ... before further sign-ins are refused until it has passed
LINLAB_TRUSTED_PROXIES = [a.strip() for a in os.environ.get("LINLAB_TRUSTED_PROXIES", "").split(",") if a.strip()]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing folder before collectstatic has run
# plotly.js comes from the installed plotly package, served by the site itself (no CDN).
STATICFILES_DIRS = [("plotly", Path(__import__("plotly").__file__).parent / "package_data")]
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "linlab"}}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads nothing from it; the token travels in the form/hx-headers
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("LINLAB_SSL_REDIRECT", "1") == "1"
    if not SECURE_SSL_REDIRECT:  # the proxy redirects HTTP to HTTPS (LINLAB_SSL_REDIRECT=0 says so)
        SILENCED_SYSTEM_CHECKS = ["security.W008"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
