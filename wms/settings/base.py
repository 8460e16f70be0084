"""Settings shared by every environment; each value that differs per deployment comes from the
environment, so one image serves development, CI and production."""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)

# Tenants live at <slug>.<BASE_DOMAIN>; the bare BASE_DOMAIN serves the public site.
BASE_DOMAIN = os.environ.get("BASE_DOMAIN", "localhost")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", f".{BASE_DOMAIN},{BASE_DOMAIN}").split(",")

SHARED_APPS = [
    # Before django_tenants so that our `create_tenant` command (which provisions fully: schema,
    # admin user, domain) is the one manage.py runs.
    "tenants",
    "django_tenants",
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "django.contrib.messages",
    "django_htmx",
    "template_partials",
    "ninja",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.admin",
    "axes",
    "rules",
    "wms.accounts",
    "wms.idempotency",
    "inventory",
    "receiving",
    "picking",
    "shipping",
    "billing",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
# New tenants are cloned from an empty, fully migrated template schema and their migrations
# faked: about 1 s instead of replaying every migration (see README, design notes).
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
PUBLIC_SCHEMA_URLCONF = "wms.urls_public"
ROOT_URLCONF = "wms.urls"
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
# Set search_path once per tenant switch, not before every query (one round trip per query).
TENANT_LIMIT_SET_CALLS = True

MIDDLEWARE = [
    "django_tenants.middleware.main.TenantMainMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wms.middleware.AdminSiteGuardMiddleware",
    # Last, as django-axes asks: it turns a lockout into its own response.
    "axes.middleware.AxesMiddleware",
]

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
                "wms.context_processors.shell",
            ],
        },
    }
]

WSGI_APPLICATION = "wms.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fluxvantage"),
        engine="django_tenants.postgresql_backend",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}
if env_bool("CELERY_EAGER"):
    # No Redis at all (make run's last fallback): a per-process cache is enough for one server.
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions live in each tenant's schema and cookies stay host-only (no SESSION_COOKIE_DOMAIN), so a
# session id can never be replayed against another tenant (django-tenants issue #52).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# The public site has no session table; flash messages travel in a signed cookie everywhere.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

# Login throttling: five failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Sign-in posts the e-mail as "username"; fold case so "A@x" and "a@x" count as one account.
AXES_USERNAME_CALLABLE = "wms.accounts.selectors.sign_in_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "FluxVantage <noreply@fluxvantage.local>")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / ".data" / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_EAGER")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TENANT_CACHE_SECONDS = 30
CELERY_BEAT_SCHEDULER = "wms.beat:ReadyTenantsScheduler"
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Sent once per ready tenant by wms.beat.ReadyTenantsScheduler.
    "nightly-ledger-check": {
        "task": "inventory.nightly_ledger_check",
        "schedule": crontab(hour=2, minute=30),
    },
    "retry-backorders": {
        "task": "picking.retry_backorders",
        "schedule": 120.0,
    },
    "run-wave-rules": {
        "task": "picking.run_wave_rules",
        "schedule": 60.0,
    },
    "billing-rate-pending": {
        "task": "billing.rate_pending",
        "schedule": 300.0,
    },
    "billing-record-storage": {
        "task": "billing.record_storage",
        "schedule": crontab(minute=5),
    },
}

NINJA_PAGINATION_PER_PAGE = 50

# The GS1 company prefix in the SSCCs printed on LPN labels (the default is GS1's example prefix).
GS1_COMPANY_PREFIX = os.environ.get("GS1_COMPANY_PREFIX", "0614141")

# EasyPost (shipping.carrier). Without a key nothing is rated or bought; `make run` points these at
# the loopback fake (shipping.easypost_fake) unless a key is given without a base.
EASYPOST_API_KEY = os.environ.get("EASYPOST_API_KEY", "")
EASYPOST_API_BASE = os.environ.get("EASYPOST_API_BASE") or "https://api.easypost.com/v2"
EASYPOST_TIMEOUT = int(os.environ.get("EASYPOST_TIMEOUT", "20"))  # seconds, per request
# The shared secret of the EasyPost webhook (its HMAC signature); empty refuses every delivery.
EASYPOST_WEBHOOK_SECRET = os.environ.get("EASYPOST_WEBHOOK_SECRET", "")
# Rate shopping (shipping.tasks.rate_shipment): a 429, 5xx or timeout is retried after
# base * 2**n seconds (capped), up to the maximum; then the shipment needs attention.
SHIPPING_RATE_MAX_RETRIES = int(os.environ.get("SHIPPING_RATE_MAX_RETRIES", "6"))
SHIPPING_RATE_RETRY_SECONDS = float(os.environ.get("SHIPPING_RATE_RETRY_SECONDS", "10"))
SHIPPING_RATE_RETRY_MAX_SECONDS = float(os.environ.get("SHIPPING_RATE_RETRY_MAX_SECONDS", "600"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
