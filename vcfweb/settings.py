"""Settings for VCF Sentinel, read from the environment.

Every value comes from an environment variable (see README "Configuration"); bad values stop
the process at start-up with a message naming the variable.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from vcfweb import env

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env.get_bool("DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
SECRET_KEY = env.get_str("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise env.EnvError("SECRET_KEY must be set when DEBUG is off (50+ random characters).")
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (len(SECRET_KEY) < 32 or SECRET_KEY.startswith("django-insecure")):
    raise env.EnvError("SECRET_KEY is too weak for DEBUG off: use 50+ random characters.")

ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise env.EnvError("ALLOWED_HOSTS must list this site's host names when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", default=[])

VAR_DIR = BASE_DIR / "var"
VCF_DATA_DIR = env.get_directory("VCF_DATA_DIR", default=VAR_DIR / "data")
# Key of the patient pseudonyms (HMAC). Changing it splits every patient in two: set it once.
VCF_PSEUDONYM_KEY = env.get_str("VCF_PSEUDONYM_KEY") or SECRET_KEY
if not DEBUG and len(VCF_PSEUDONYM_KEY) < 32:
    raise env.EnvError("VCF_PSEUDONYM_KEY must be 32+ random characters when DEBUG is off.")
# Ingest limits: one upload request, the bytes an archive may expand to, and its member count.
VCF_UPLOAD_MAX_BYTES = env.get_int("VCF_UPLOAD_MAX_BYTES", default=4 * 1024**3, minimum=1024, maximum=1024**4)
VCF_ARCHIVE_MAX_EXPANDED_BYTES = env.get_int(
    "VCF_ARCHIVE_MAX_EXPANDED_BYTES", default=16 * 1024**3, minimum=1024, maximum=1024**4
)
VCF_ARCHIVE_MAX_MEMBERS = env.get_int("VCF_ARCHIVE_MAX_MEMBERS", default=200_000, minimum=1, maximum=10**7)
VCF_ARCHIVE_MAX_RATIO = env.get_int("VCF_ARCHIVE_MAX_RATIO", default=200, minimum=2, maximum=100_000)
# Analysis jobs: attempts before an analysis is failed for good (a worker that died counts).
VCF_ANALYSIS_MAX_ATTEMPTS = env.get_int("VCF_ANALYSIS_MAX_ATTEMPTS", default=3, minimum=1, maximum=20)
# Review: the share of negative analyses drawn into the worklist for audit (sensitivity, NPV), and
# how many VHL percentage points a known fracture must gain over its prior to count as progressed.
VCF_AUDIT_NEGATIVE_PERCENT = env.get_int("VCF_AUDIT_NEGATIVE_PERCENT", default=5, minimum=0, maximum=100)
# A referral still new or in assessment after this many days is announced as overdue (once).
VCF_REFERRAL_OVERDUE_DAYS = env.get_int("VCF_REFERRAL_OVERDUE_DAYS", default=7, minimum=1, maximum=365)
VCF_PROGRESSION_MARGIN_PCT = env.get_int("VCF_PROGRESSION_MARGIN_PCT", default=10, minimum=1, maximum=100)
VCF_TRUSTED_PROXIES = env.get_int("VCF_TRUSTED_PROXIES", default=0, minimum=0, maximum=10)  # audit client IP
VCF_ANALYSIS_DEVICE = env.get_str("VCF_ANALYSIS_DEVICE", default="auto") or "auto"
if VCF_ANALYSIS_DEVICE not in {"auto", "cpu", "cuda"}:
    raise env.EnvError(f"VCF_ANALYSIS_DEVICE={VCF_ANALYSIS_DEVICE!r}: use auto, cpu or cuda.")
# C-STORE listener: a series is analysed once no instance of it arrived for this many seconds.
VCF_LISTENER_QUIET_S = env.get_int("VCF_LISTENER_QUIET_S", default=30, minimum=1, maximum=3600)
VCF_LISTENER_ALLOWED_AETS = env.get_list("VCF_LISTENER_ALLOWED_AETS", default=[])
# Django streams uploads above this size to disk (FILE_UPLOAD_TEMP_DIR), never holding them in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
FILE_UPLOAD_TEMP_DIR = str(VCF_DATA_DIR / "staging")
try:
    Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
except OSError as error:
    raise env.EnvError(f"VCF_DATA_DIR={str(VCF_DATA_DIR)!r} is not writable: {error}") from None

_DATABASE_URL = env.get_str("DATABASE_URL")
if _DATABASE_URL is None:
    VAR_DIR.mkdir(exist_ok=True)  # the embedded default lives in the project's ignored var/
DATABASES = {
    "default": env.parse_database_url(_DATABASE_URL or "sqlite:///var/vcf.sqlite3", base_dir=BASE_DIR)
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_q",
    "studies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "vcfweb.middleware.AuthenticationRequiredMiddleware",
    "studies.audit_middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "vcfweb.urls"
WSGI_APPLICATION = "vcfweb.wsgi.application"
ASGI_APPLICATION = "vcfweb.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "studies.context_processors.navigation",
            ],
        },
    },
]

AUTH_USER_MODEL = "studies.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.get_int("SESSION_COOKIE_AGE_S", default=8 * 3600, minimum=300)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Pages may not be framed; the viewer's ?embed=1 answers SAMEORIGIN itself (review comparison).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS: on by default with DEBUG off; the demo and local development (DEBUG=1) run over plain http.
SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.get_bool("SECURE_COOKIES", default=not DEBUG)
SECURE_HSTS_SECONDS = env.get_int(
    "SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600, minimum=0, maximum=2 * 365 * 24 * 3600
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.get_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.get_bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading commits the whole registrable domain (usually the hospital's, not ours) to HTTPS in
# every browser; leaving it off is a deliberate default, so its reminder (W021) is silenced.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]


def _proxy_ssl_header(value: str | None) -> tuple[str, str] | None:
    """``X-Forwarded-Proto`` -> ("HTTP_X_FORWARDED_PROTO", "https"). Only for a proxy that sets or
    strips this header on every request: otherwise a client could claim HTTPS."""
    if value is None:
        return None
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", value):
        raise env.EnvError(
            f"SECURE_PROXY_SSL_HEADER={value!r} is not a header name; write e.g. X-Forwarded-Proto."
        )
    return "HTTP_" + value.upper().replace("-", "_"), "https"


SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(env.get_str("SECURE_PROXY_SSL_HEADER"))

LANGUAGE_CODE = "en"
TIME_ZONE = env.get_str("TIME_ZONE", default="UTC") or "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.get_directory("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "frontend" / "static"]

REST_FRAMEWORK: dict[str, Any] = {
    # Token first so that anonymous API calls get 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

# django-q2: the database is the broker unless REDIS_URL is set. The retry timer must exceed
# the task timeout, otherwise a long analysis would be handed to a second worker while running.
REDIS_URL = env.get_str("REDIS_URL")
TASK_TIMEOUT_S = env.get_int("VCF_TASK_TIMEOUT_S", default=1800, minimum=10)
TASK_RETRY_S = env.get_int("VCF_TASK_RETRY_S", default=TASK_TIMEOUT_S + 300, minimum=11)
if TASK_RETRY_S <= TASK_TIMEOUT_S:
    raise env.EnvError(
        f"VCF_TASK_RETRY_S ({TASK_RETRY_S}) must be larger than VCF_TASK_TIMEOUT_S ({TASK_TIMEOUT_S})."
    )
Q_CLUSTER: dict[str, Any] = {
    "name": "vcf-sentinel",
    "workers": env.get_int("VCF_QUEUE_WORKERS", default=2, minimum=1, maximum=64),
    "timeout": TASK_TIMEOUT_S,
    "retry": TASK_RETRY_S,
    # One delivery more than the analysis cap, so the last one can mark a spent analysis failed.
    "max_attempts": VCF_ANALYSIS_MAX_ATTEMPTS + 1,
    "ack_failures": True,
    "save_limit": 5000,
    "catch_up": False,
    "label": "Task queue",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = env.parse_redis_url(REDIS_URL)
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = 1

EMAIL_BACKEND = env.get_str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", default="vcf-sentinel@localhost")

LOG_LEVEL = (env.get_str("LOG_LEVEL", default="INFO") or "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise env.EnvError(f"LOG_LEVEL={LOG_LEVEL!r} is not a logging level.")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
