"""Whitewall settings, read from the environment (see env.py for every variable).

Three environments: development (the default; generates its keys under the data directory),
production (refuses to start without explicit keys, hosts and DEBUG off) and test.
"""

from __future__ import annotations

import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

from whitewall.config import env
from whitewall.config.policy import DEFAULT_POLICY_PATH, PolicyError, load_policy

PACKAGE_DIR = Path(__file__).resolve().parent.parent

WHITEWALL_ENV = env.get_choice("WHITEWALL_ENV", "development", ("development", "production", "test"))
PRODUCTION = WHITEWALL_ENV == "production"

DATA_DIR = env.get_path("WHITEWALL_DATA_DIR", Path.cwd() / "var")
DEBUG = env.get_bool("WHITEWALL_DEBUG", default=WHITEWALL_ENV == "development")

# --- secrets -----------------------------------------------------------------------------------
if PRODUCTION:
    if DEBUG:
        raise env.EnvError(
            "WHITEWALL_DEBUG",
            env.get_str("WHITEWALL_DEBUG"),
            "debug must be off when WHITEWALL_ENV=production",
        )
    SECRET_KEY = env.get_str("WHITEWALL_SECRET_KEY", required=True)
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise env.EnvError("WHITEWALL_SECRET_KEY", "<hidden>", "use at least 50 random characters")
    _encryption_keys = env.get_list("WHITEWALL_ENCRYPTION_KEYS")
    if not _encryption_keys:
        raise env.EnvError("WHITEWALL_ENCRYPTION_KEYS", None, "set one or more Fernet keys, newest first")
    _blind_index_key = env.get_str("WHITEWALL_BLIND_INDEX_KEY", required=True)
    ALLOWED_HOSTS = env.get_list("WHITEWALL_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise env.EnvError("WHITEWALL_ALLOWED_HOSTS", None, "list the host names this server answers to")
else:
    SECRET_KEY = env.get_str("WHITEWALL_SECRET_KEY") or env.read_or_create_secret(
        DATA_DIR / "keys" / "secret_key", get_random_secret_key
    )
    _encryption_keys = env.get_list("WHITEWALL_ENCRYPTION_KEYS") or [
        env.read_or_create_secret(
            DATA_DIR / "keys" / "encryption_key", lambda: Fernet.generate_key().decode()
        )
    ]
    _blind_index_key = env.get_str("WHITEWALL_BLIND_INDEX_KEY") or env.read_or_create_secret(
        DATA_DIR / "keys" / "blind_index_key", lambda: secrets.token_urlsafe(32)
    )
    ALLOWED_HOSTS = env.get_list("WHITEWALL_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])

for _key in _encryption_keys:
    try:
        Fernet(_key)
    except (ValueError, TypeError):
        raise env.EnvError(
            "WHITEWALL_ENCRYPTION_KEYS",
            "<hidden>",
            "each key must be a url-safe base64 Fernet key of 32 bytes "
            "(make one with: python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')",
        )
WHITEWALL_ENCRYPTION_KEYS = _encryption_keys
# HMAC key of the blind indexes (exact lookup of encrypted fields); changing it needs
# `whitewall keys rotate`, which recomputes every index.
if len(_blind_index_key) < 32:
    raise env.EnvError("WHITEWALL_BLIND_INDEX_KEY", "<hidden>", "use at least 32 random characters")
WHITEWALL_BLIND_INDEX_KEY = _blind_index_key
CSRF_TRUSTED_ORIGINS = env.get_list("WHITEWALL_CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "whitewall.core.views.errors.csrf_failure"

# --- policy ------------------------------------------------------------------------------------
WHITEWALL_POLICY_PATH = Path(env.get_str("WHITEWALL_POLICY") or DEFAULT_POLICY_PATH)
try:
    _policy = load_policy(WHITEWALL_POLICY_PATH)
except PolicyError as exc:
    raise env.EnvError("WHITEWALL_POLICY", str(WHITEWALL_POLICY_PATH), str(exc))

# --- applications ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "whitewall.core",
    "whitewall.accounts",
    "whitewall.audit",
    "whitewall.approvals",
    "whitewall.notifications",
    "whitewall.regulation",
    "whitewall.wall",
    "whitewall.projects",
    "whitewall.finance",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "whitewall.core.middleware.SessionRefreshMiddleware",
    "whitewall.core.middleware.CookieLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "whitewall.accounts.middleware.AccessMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "whitewall.config.urls"
WSGI_APPLICATION = "whitewall.config.wsgi.application"

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
                "csp.context_processors.nonce",
                "whitewall.core.context_processors.console",
            ],
        },
    }
]

# --- database ----------------------------------------------------------------------------------
DATABASE_URL = env.get_url("DATABASE_URL", ("postgres", "postgresql", "sqlite"))
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "whitewall.sqlite3",
            # Keep the connection between requests (as for PostgreSQL): opening one and running the
            # PRAGMAs below on every request costs more than serving a cached page.
            "CONN_MAX_AGE": 60,
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and queue ---------------------------------------------------------------------------
REDIS_URL = env.get_url("REDIS_URL", ("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "whitewall",
        "url": REDIS_URL,
        "immediate": False,
        "utc": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    # Shared by every web worker and the queue consumer (never per-process local memory).
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "whitewall_cache"}
    }
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "whitewall",
        "filename": str(DATA_DIR / "queue.sqlite3"),
        "immediate": False,
        "utc": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# --- authentication ----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "whitewall.accounts.backends.ObjectPermissionBackend",
    "whitewall.accounts.backends.LoginBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": _policy.auth.password_min_length},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
SESSION_COOKIE_AGE = _policy.auth.session_minutes * 60
# Sessions expire after session_minutes of inactivity: SessionRefreshMiddleware moves the expiry
# forward at most once a minute, instead of writing the session on every request (polling
# fragments would otherwise write to the database every few seconds).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = _policy.auth.session_expire_at_browser_close

ACCOUNT_ADAPTER = "whitewall.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Password failures are counted and locked by axes (releasable in the console); allauth's
# "login_failed" limit still throttles the second-factor code step, keyed per user.
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"{_policy.auth.lockout_failures}/{max(_policy.auth.lockout_minutes, 5) * 60}s/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Whitewall"
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"

AXES_FAILURE_LIMIT = _policy.auth.lockout_failures
AXES_COOLOFF_TIME = timedelta(minutes=_policy.auth.lockout_minutes) if _policy.auth.lockout_minutes else None
# Lock the account after N failures. Not by address: an office behind one NAT address (and one
# browser build) would be locked out together by one person's typos. Guessing from one address
# across many accounts is throttled by allauth's per-address login rate limit instead.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_CALLABLE = "whitewall.accounts.lockout.axes_username"
AXES_LOCKOUT_CALLABLE = "whitewall.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "whitewall.core.request.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
WHITEWALL_TRUSTED_PROXIES = env.get_list("WHITEWALL_TRUSTED_PROXIES")

# --- e-mail ------------------------------------------------------------------------------------
EMAIL_HOST = env.get_str("WHITEWALL_EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.get_int("WHITEWALL_EMAIL_PORT", 587, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env.get_str("WHITEWALL_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = env.get_str("WHITEWALL_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env.get_bool("WHITEWALL_EMAIL_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.get_str("WHITEWALL_FROM_EMAIL", "whitewall@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "whitewall_language"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- static and media --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- security ----------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # static JS reads it for htmx requests on cached public pages
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.get_bool("WHITEWALL_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-whitewall_session"
    CSRF_COOKIE_NAME = "__Host-whitewall_csrf"
else:
    SESSION_COOKIE_NAME = "whitewall_session"
    CSRF_COOKIE_NAME = "whitewall_csrf"
WHITEWALL_CSRF_COOKIE_NAME = CSRF_COOKIE_NAME

from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- logging -----------------------------------------------------------------------------------
LOG_LEVEL = env.get_choice("WHITEWALL_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": sys.stderr, "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        "huey": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}

# --- API tokens, pagination --------------------------------------------------------------------
WHITEWALL_PAGE_SIZE = 25
WHITEWALL_EXPORT_MAX_ROWS = 50_000
WHITEWALL_LABELS = {"console": _("Console"), "wall": _("Whitewall")}
WHITEWALL_OBJECT_PERMISSION_MODEL = "accounts.ObjectPermission"

# --- audit trail ---------------------------------------------------------------------------------
import secrets as _secrets  # noqa: E402

# The audit chain's own HMAC key: never the SECRET_KEY, so rotating one does not touch the other.
if PRODUCTION:
    WHITEWALL_AUDIT_KEY = env.get_str("WHITEWALL_AUDIT_KEY", required=True)
else:
    WHITEWALL_AUDIT_KEY = env.get_str("WHITEWALL_AUDIT_KEY") or env.read_or_create_secret(
        DATA_DIR / "keys" / "audit_key", lambda: _secrets.token_urlsafe(48)
    )
if len(WHITEWALL_AUDIT_KEY) < 32 or len(set(WHITEWALL_AUDIT_KEY)) < 8:
    raise env.EnvError("WHITEWALL_AUDIT_KEY", "<hidden>", "use at least 32 random characters")
# Signed checkpoints of the chain (latest seq + hash), one JSON line each.
WHITEWALL_AUDIT_CHECKPOINT_FILE = DATA_DIR / "audit" / "checkpoints.jsonl"
# Only the test settings switch this on: lets a test flush (TransactionTestCase, live server) or
# tamper with the append-only audit table on purpose. Never set it anywhere else.
WHITEWALL_AUDIT_TEST_BYPASS = False
# Request context (request id, client address, user agent) for audit events.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "whitewall.audit.middleware.AuditContextMiddleware",
)

# --- approvals -----------------------------------------------------------------------------------

# --- notifications and jobs ----------------------------------------------------------------------
# The queue itself (HUEY) is set up above with the cache: SqliteHuey by default, RedisHuey with
# REDIS_URL; tasks run inline only in the test settings. Delivery retries and job retries come
# from the policy file ([notifications], [jobs]).
# Links in e-mails and webhook messages are made absolute with this base (e.g. https://ops.example.cn);
# empty leaves them relative.
WHITEWALL_BASE_URL = ""
# Seconds to wait for a webhook endpoint to answer.
WHITEWALL_WEBHOOK_TIMEOUT = 10

# --- regulation board ----------------------------------------------------------------------------

# --- REST API ------------------------------------------------------------------------------------
# Authentication: the browser session (CSRF enforced on writes) or a personal API token
# ("Authorization: Token <key>"). Permissions: object permissions, deny by default.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token class first: its WWW-Authenticate header makes "not logged in" a 401.
        "whitewall.accounts.authentication.APITokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["whitewall.core.api.permissions.ObjectPermissions"],
    "DEFAULT_PAGINATION_CLASS": "whitewall.core.api.pagination.StableCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "whitewall.core.api.throttling.PolicyUserRateThrottle",
        "whitewall.core.api.throttling.PolicyAnonRateThrottle",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["whitewall.core.api.parsers.StrictJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "whitewall.core.api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Whitewall API",
    "DESCRIPTION": "The REST API of Whitewall (白墙运营管理平台). See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["whitewall.core.api.permissions.IsActiveStaff"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": False},
    # Choice sets that share a field name get names of their own in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ApprovalRequestStatusEnum": "whitewall.approvals.models.RequestStatus",
        "ApprovalTaskStatusEnum": "whitewall.approvals.models.TaskStatus",
        "ApprovalTaskOriginEnum": "whitewall.approvals.models.TaskOrigin",
        "ApprovalCCOriginEnum": "whitewall.approvals.models.CCOrigin",
        "CheckStatusEnum": "whitewall.regulation.models.STATUS_CHOICES",
        "DeliveryStatusEnum": "whitewall.notifications.models.Delivery.STATUS_CHOICES",
        "JobStatusEnum": "whitewall.core.models.Job.STATUS_CHOICES",
        "ApprovalDecisionEnum": "whitewall.approvals.models.Decision",
        # Domain apps' choice sets whose field names collide (named here as strings: no import).
        "ScreenActionEnum": "whitewall.wall.models.words.ScreenAction",
        "PostStatusEnum": "whitewall.wall.models.posts.Post.Status",
        "RejectReasonEnum": "whitewall.wall.models.posts.RejectReason",
        "ReportReasonEnum": "whitewall.wall.models.posts.Report.Reason",
        "ReportStatusEnum": "whitewall.wall.models.posts.Report.Status",
        "FeedbackKindEnum": "whitewall.wall.models.posts.Feedback.Kind",
        "FeedbackStatusEnum": "whitewall.wall.models.posts.Feedback.Status",
    },
}
