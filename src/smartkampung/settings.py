"""One environment-driven settings module (see CONTRACT.md, "Configuration")."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
# var/ holds the SQLite database and uploads; it is relative to where the command runs (the checkout).
VAR_DIR = Path(os.environ.get("SMARTKAMPUNG_VAR_DIR", "var")).resolve()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("SMARTKAMPUNG_DEBUG", False)
SECRET_KEY = os.environ.get("SMARTKAMPUNG_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and os.environ.get("SMARTKAMPUNG_REQUIRE_SECRET_KEY"):
        raise ImproperlyConfigured("SMARTKAMPUNG_SECRET_KEY must be set in production.")
    # An insecure key is acceptable only for a local demo or tests; `serve` warns about it.
    SECRET_KEY = "insecure-local-only-smartkampung-key"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("SMARTKAMPUNG_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("SMARTKAMPUNG_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    # SimpleAdminConfig: no admin autodiscovery, because django-leaflet's admin module needs GDAL, which a
    # regency server need not have; urls.py imports our admin modules by name.
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "leaflet",
    "smartkampung.core",
    "smartkampung.registry",
    "smartkampung.programmes",
    "smartkampung.cases",
    "smartkampung.cekbansos",
    "smartkampung.linkage",
    "smartkampung.meals",
    "smartkampung.isolation",
    "smartkampung.publicservices",
    "smartkampung.market",
    "smartkampung.festival",
    "smartkampung.synth",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "smartkampung.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "smartkampung.urls"
WSGI_APPLICATION = "smartkampung.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "smartkampung.core.navigation.navigation",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("SMARTKAMPUNG_DATABASE_URL", f"sqlite:///{VAR_DIR / 'smartkampung.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=60)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer writes; IMMEDIATE transactions take the write lock up front
    # so two concurrent writers queue on busy_timeout instead of failing with "database is locked".
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
        "PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _db["CONN_MAX_AGE"] = 600
    _db["TEST"] = {"NAME": os.environ.get("SMARTKAMPUNG_TEST_SQLITE_NAME") or None}
else:
    _db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
# The public hot path (core/db.py hot_cursor) prepares its few statements on PostgreSQL. Turn off only
# behind a connection pooler that cannot keep prepared statements (PgBouncer < 1.21 in transaction mode).
SMARTKAMPUNG_PREPARED_STATEMENTS = _env_bool("SMARTKAMPUNG_PREPARED_STATEMENTS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (long targeting runs, imports, linkage): Django's tasks API through the django-tasks
# backport, kept in the database so no broker is needed; `smartkampung db_worker` runs them.
# SMARTKAMPUNG_TASKS_IMMEDIATE=true runs each task at once in the caller (tests, one-off scripts).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if _env_bool("SMARTKAMPUNG_TASKS_IMMEDIATE", False)
        else "django_tasks_db.backend.DatabaseBackend",
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # core.navigation.landing_url: by role
LOGOUT_REDIRECT_URL = "login"

# Bahasa Indonesia first, English as the switch.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"  # WIB, +07:00 — Banyuwangi's zone
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG or os.environ.get("SMARTKAMPUNG_PLAIN_STATIC"):
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = _env_bool("SMARTKAMPUNG_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# When behind a reverse proxy, the client address comes from this header (audit "from where").
AUDIT_CLIENT_IP_HEADER = os.environ.get("SMARTKAMPUNG_CLIENT_IP_HEADER", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SMARTKAMPUNG_LOG_LEVEL", "WARNING")},
}
