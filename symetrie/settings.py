"""One settings module; production differs from development only by environment variables.

Every variable is read here and nowhere else. Defaults are the safe production ones: DEBUG is
off, cookies are secure and HSTS is on, so a missing variable never weakens a deployment. In
production mode (DEBUG off) a missing SECRET_KEY or ALLOWED_HOSTS is a clear error at start-up.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean variable; anything but a clear yes or no is an error, not a guess."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off (production mode). Set it to a long random "
            "value, for example the output of: python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'. For development, set DEBUG=1 instead."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production-0123456789abcdefghijkl"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
# With DEBUG on and no ALLOWED_HOSTS, Django itself accepts only the local host names.
if not ALLOWED_HOSTS and not DEBUG:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is required when DEBUG is off (production mode): a comma-separated list "
        "of the host names this server answers to, e.g. ALLOWED_HOSTS=symetrie.example.fr."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Where the embedded database and other local state live.
DATA_DIR = Path(os.environ.get("DATA_DIR", Path.cwd() / "var")).resolve()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "symetrie.core",
    "symetrie.accounts",
    "symetrie.org",
    "symetrie.customers",
    "symetrie.cases",
    "symetrie.listening",
    "symetrie.frontline",
    "symetrie.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "symetrie.urls"
WSGI_APPLICATION = "symetrie.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "symetrie.core.context_processors.navigation",
            ],
        },
    },
    {
        # The customer's screen, the frontline's hot path, and the layout of every page are
        # Jinja2 templates (in an app's `jinja2/` folder): the screen cost 4.2 ms of CPU
        # through Django's engine (core/jinja.py, bench/README.md).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "symetrie.core.jinja.environment",
            # Django template libraries whose filters Jinja2 templates use too.
            "libraries": ["symetrie.frontline.templatetags.workspace"],
        },
    },
]


def _databases() -> dict[str, dict[str, object]]:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        config: dict[str, object] = dict(
            dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
        )
        config["CONN_HEALTH_CHECKS"] = True
        if str(config["ENGINE"]).endswith("sqlite3"):
            config["OPTIONS"] = _SQLITE_OPTIONS
        elif env_bool("DB_PREPARED_STATEMENTS", True):
            # Parameters bound by the server, and statements prepared once a connection has run
            # them 5 times (psycopg's threshold, which Django turns off unless it is given):
            # PostgreSQL then plans each once per connection instead of on every request.
            # Planning was most of its time on the customer screen (the timeline's plan 0.34
            # ms, its run 0.2 ms): under load, PostgreSQL's CPU per screen went 4.4 -> 1.4 ms
            # and the screen 119 -> 142 req/s, the search 241 -> 363 (bench/README.md).
            # Behind a pooler in transaction mode without prepared statements, set it to 0.
            options = config.setdefault("OPTIONS", {})
            assert isinstance(options, dict)
            options["server_side_binding"] = True
            options.setdefault("prepare_threshold", 5)
        return {"default": config}
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "symetrie.sqlite3",
            "OPTIONS": _SQLITE_OPTIONS,
            # On disk, so that tests can hand the database to a subprocess (crash-safety tests).
            "TEST": {"NAME": DATA_DIR / "test.sqlite3"},
        }
    }


# WAL lets readers work while a writer writes; IMMEDIATE takes the write lock at BEGIN so two
# writers queue on the busy timeout instead of failing with "database is locked" mid-way.
# Django's SQLite backend turns foreign keys on for every connection.
_SQLITE_OPTIONS: dict[str, object] = {
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        "PRAGMA temp_store=MEMORY; PRAGMA mmap_size=134217728; PRAGMA cache_size=-65536;"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}

DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["symetrie.accounts.backends.EmailOrUsernameBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Serve static files from the apps themselves, so a fresh install needs no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Security: safe by default, relaxed only in development.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "symetrie@localhost")
# The public address of this installation, for the links of e-mailed survey invitations.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
