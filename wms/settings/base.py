"""Settings shared by every environment; each value that differs per deployment comes from the
environment, so one image serves development, CI and production."""

import os
from pathlib import Path

import django
from celery.schedules import crontab
from csp.constants import NONE, SELF

from wms.dbpool import database_from_env

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
    "csp",  # django-csp: its system checks catch a policy in the old settings format
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
    "control",
    "receiving",
    "picking",
    "shipping",
    "billing",
    "erp",
    "webhooks",
    "channels",
    "portal",
    "labour",
    "desk",
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
    # Outermost, so it compresses the HTML every other middleware made (pages only; see there).
    "wms.middleware.CompressPagesMiddleware",
    # Before the tenant lookup, the first query: no connection to be had is a 503, not a 500.
    "wms.middleware.DatabaseUnavailableMiddleware",
    "django_tenants.middleware.main.TenantMainMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "wms.middleware.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wms.middleware.AdminSiteGuardMiddleware",
    "wms.middleware.ApiErrorMiddleware",
    # Last, as django-axes asks: it turns a lockout into its own response.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp) on every HTML page. The pages load nothing from elsewhere
# and carry no inline script, style or event handler (static/js, static/css), so everything is
# 'self' and the rest 'none'. htmx is told not to inject its indicator <style> nor to eval
# (templates/base.html). The API docs (Swagger UI) add data: images (wms.api).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# Permissions-Policy (django-permissions-policy, which refuses a misspelt feature at start-up):
# the browser features no page uses are off for the page and anything it might embed.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "serial",
        "usb",
        "window-management",
        "xr-spatial-tracking",
    )
}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Django's own admin templates come before the apps': django-tenants overrides the admin
        # index with inline styles (a colour for tenant apps) that the Content-Security-Policy
        # refuses.
        "DIRS": [BASE_DIR / "templates", Path(django.__file__).parent / "contrib/admin/templates"],
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

# No pool and no kept connections by default: runserver starts a thread per request, which would
# strand a kept connection per thread. Production settings pool (wms.dbpool).
DATABASES = {
    "default": database_from_env(os.environ, pool_by_default=False, conn_max_age_by_default=0)
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
# WhiteNoise (production) serves fingerprinted files for ten years, immutable, Brotli or gzip as
# the browser takes them; no other site loads them, so no CORS header on each.
WHITENOISE_ALLOW_ALL_ORIGINS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The managers' dashboard (desk): each carrier's daily cut-off in the warehouse's own time (an
# order due today must be on that carrier's truck by then; an order with no carrier yet is held to
# the default), and how long received stock may wait for putaway before it is an exception.
DESK_CARRIER_CUTOFFS = {"USPS": "15:00", "UPS": "16:00", "FedEx": "16:30", "DHL": "15:30"}
DESK_DEFAULT_CUTOFF = os.environ.get("DESK_DEFAULT_CUTOFF", "16:00")
DESK_PUTAWAY_WAIT_MINUTES = int(os.environ.get("DESK_PUTAWAY_WAIT_MINUTES", "60"))

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_EAGER")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TENANT_CACHE_SECONDS = 30
# Every task without limits of its own: none calls out of the building, and the longest (the
# nightly ledger check) reads for seconds, not minutes. The soft limit raises in the task; the hard
# one kills its pool process.
CELERY_TASK_SOFT_TIME_LIMIT = 600
CELERY_TASK_TIME_LIMIT = 660
CELERY_BEAT_SCHEDULER = "wms.beat:ReadyTenantsScheduler"
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Pinned to the public schema (the tenant registry): sign-ups whose provisioning never
    # reached a worker (broker down) or whose worker died are sent again (tenants.services).
    "requeue-stalled-tenants": {
        "task": "tenants.requeue_stalled_tenants",
        "schedule": 60.0,
        "tenant_schemas": ["public"],
    },
    # The others are sent once per ready tenant by wms.beat.ReadyTenantsScheduler.
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
    "control-nightly-counts": {
        "task": "control.nightly_counts",
        "schedule": crontab(hour=1, minute=15),
    },
    "control-check-low-stock": {
        "task": "control.check_low_stock",
        "schedule": 300.0,
    },
    "control-replenishment-sweep": {
        "task": "control.replenishment_sweep",
        "schedule": crontab(hour=1, minute=45),
    },
}

NINJA_PAGINATION_PER_PAGE = 50

# The GS1 company prefix in the SSCCs printed on LPN labels (the default is GS1's example prefix).
GS1_COMPANY_PREFIX = os.environ.get("GS1_COMPANY_PREFIX", "0614141")

# EasyPost (shipping.carrier). Without a key nothing is rated or bought; `make run` points these at
# the loopback fake (devtools.easypost_fake) unless a key is given without a base.
EASYPOST_API_KEY = os.environ.get("EASYPOST_API_KEY", "")
EASYPOST_API_BASE = os.environ.get("EASYPOST_API_BASE") or "https://api.easypost.com/v2"
EASYPOST_TIMEOUT = int(os.environ.get("EASYPOST_TIMEOUT", "20"))  # seconds, per request
# The EasyPost webhook's secret is per tenant, set by a manager on /shipping/webhook/ (stored in
# the tenant's schema, shipping.CarrierSettings); there is no site-wide one.

# Rate shopping (shipping.tasks.rate_shipment): a 429, 5xx or timeout is retried after
# base * 2**n seconds (capped), up to the maximum; then the shipment needs attention. A scan form
# that EasyPost is still creating is asked for again on the same schedule.
SHIPPING_RATE_MAX_RETRIES = int(os.environ.get("SHIPPING_RATE_MAX_RETRIES", "6"))
SHIPPING_RATE_RETRY_SECONDS = float(os.environ.get("SHIPPING_RATE_RETRY_SECONDS", "10"))
SHIPPING_RATE_RETRY_MAX_SECONDS = float(os.environ.get("SHIPPING_RATE_RETRY_MAX_SECONDS", "600"))
# The reconcile sweep (shipping.reconcile_stuck, every SHIPPING_RECONCILE_SECONDS per tenant) asks
# EasyPost about every shipment and manifest left in an intermediate state (rating, rated, a
# label without its files, a void or a scan form never answered) with no activity and no retry
# due for SHIPPING_STUCK_MINUTES, at most SHIPPING_RECONCILE_BATCH of each per run.
SHIPPING_STUCK_MINUTES = float(os.environ.get("SHIPPING_STUCK_MINUTES", "10"))
SHIPPING_RECONCILE_SECONDS = float(os.environ.get("SHIPPING_RECONCILE_SECONDS", "120"))
SHIPPING_RECONCILE_BATCH = int(os.environ.get("SHIPPING_RECONCILE_BATCH", "20"))
# After a rotation the previous webhook secret is still accepted this long, while the new one is
# entered at EasyPost (shipping.views.webhooks).
SHIPPING_WEBHOOK_PREVIOUS_SECRET_HOURS = float(
    os.environ.get("SHIPPING_WEBHOOK_PREVIOUS_SECRET_HOURS", "24")
)

# --- Tasks that call EasyPost, and how long the broker waits before handing a task on ------------
# Time limits of the tasks that call out (shipping.tasks). The longest run, rate_shipment, makes at
# most 8 requests (look the shipment up, create it, buy, look it up again after POSTAGE.EXISTS,
# convert the label to PDF and ZPL, fetch both files), each bounded by EASYPOST_TIMEOUT, and the
# client repeats a timed-out GET up to 3 more times (its HTTPAdapter(max_retries=3)): 20 timeouts
# in a row is its worst case. The soft limit makes the run retry (as a carrier timeout would); the
# hard one, 30 s later, kills the pool process and leaves the shipment to the reconcile sweep.
CARRIER_TASK_SOFT_TIME_LIMIT = 20 * EASYPOST_TIMEOUT
CARRIER_TASK_TIME_LIMIT = CARRIER_TASK_SOFT_TIME_LIMIT + 30
# Redis has no acknowledgements of its own: kombu hands a delivered, unacknowledged message to
# another worker once `visibility_timeout` seconds have passed since delivery, whether or not a
# worker is still busy with it. Every task here is acked late (after it ran), and a retry with a
# countdown is delivered at once and held, unacknowledged, by the worker until it is due. So the
# longest a message may stay unacknowledged without anything being wrong is: the longest retry
# countdown, plus the wait for a free pool process behind tasks running up to their hard limit,
# plus the task's own hard limit. A shorter timeout runs a task twice while the first run is alive
# (harmless for our tasks, which are safe to run twice, but it is twice the carrier calls); a
# longer one only delays the redelivery after a worker died, and the reconcile sweep catches
# those shipments after SHIPPING_STUCK_MINUTES anyway. Defaults: 600 + 2 x 660 + 60 = 1980 s.
LONGEST_TASK_SECONDS = max(CARRIER_TASK_TIME_LIMIT, CELERY_TASK_TIME_LIMIT)
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
    "visibility_timeout": int(SHIPPING_RATE_RETRY_MAX_SECONDS + 2 * LONGEST_TASK_SECONDS + 60),
}
CELERY_BEAT_SCHEDULE["reconcile-shipments"] = {
    "task": "shipping.reconcile_stuck",
    "schedule": SHIPPING_RECONCILE_SECONDS,
}

# --- ERP sync (erp/) ------------------------------------------------------------------------------
# Connection passwords are encrypted with Fernet under this key (a urlsafe-base64 32-byte key,
# `Fernet.generate_key()`), or, when unset, under one derived from SECRET_KEY. During a rotation
# the previous keys, comma-separated, still decrypt.
ERP_CREDENTIALS_KEY = os.environ.get("ERP_CREDENTIALS_KEY", "")
ERP_CREDENTIALS_OLD_KEYS = [
    key for key in os.environ.get("ERP_CREDENTIALS_OLD_KEYS", "").split(",") if key
]
# A push the ERP could not take (down, timed out, busy) is tried again after
# base * 2**(attempts-1) seconds, capped, until ERP_PUSH_MAX_ATTEMPTS; then it is failed.
ERP_PUSH_MAX_ATTEMPTS = int(os.environ.get("ERP_PUSH_MAX_ATTEMPTS", "8"))
ERP_RETRY_SECONDS = float(os.environ.get("ERP_RETRY_SECONDS", "30"))
ERP_RETRY_MAX_SECONDS = float(os.environ.get("ERP_RETRY_MAX_SECONDS", "1800"))
# A push claimed by a worker that then died is free again after this many seconds.
ERP_PUSH_LEASE_SECONDS = float(os.environ.get("ERP_PUSH_LEASE_SECONDS", "300"))
ERP_PULL_SECONDS = float(os.environ.get("ERP_PULL_SECONDS", "300"))
ERP_PUSH_SECONDS = float(os.environ.get("ERP_PUSH_SECONDS", "60"))
# The ERP tasks call out of the building, like the carrier tasks: acked late, rejected back to the
# queue when their process dies, limited in time. A run is a few tens of calls of at most
# ERP_TIMEOUT (20 s) each; the soft limit leaves what was not pushed pending for the next run.
ERP_TIMEOUT = float(os.environ.get("ERP_TIMEOUT", "20"))
ERP_TASK_SOFT_TIME_LIMIT = int(os.environ.get("ERP_TASK_SOFT_TIME_LIMIT", "540"))
ERP_TASK_TIME_LIMIT = ERP_TASK_SOFT_TIME_LIMIT + 30
LONGEST_TASK_SECONDS = max(LONGEST_TASK_SECONDS, ERP_TASK_TIME_LIMIT)
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = int(
    SHIPPING_RATE_RETRY_MAX_SECONDS + 2 * LONGEST_TASK_SECONDS + 60
)
CELERY_BEAT_SCHEDULE["erp-push"] = {"task": "erp.sync_outbound", "schedule": ERP_PUSH_SECONDS}
CELERY_BEAT_SCHEDULE["erp-pull"] = {"task": "erp.pull_all", "schedule": ERP_PULL_SECONDS}
CELERY_BEAT_SCHEDULE["erp-reconcile"] = {
    "task": "erp.reconcile_all",
    "schedule": crontab(hour=3, minute=15),
}

# --- Webhooks (webhooks/) -------------------------------------------------------------------------
# Loopback endpoints (and plain http to them) are refused unless this is on: tests, `make run`.
WEBHOOK_ALLOW_LOOPBACK = env_bool("WEBHOOK_ALLOW_LOOPBACK", False)
# A 2xx within this many seconds is a delivery; anything else is retried after the next wait of
# WEBHOOK_RETRY_SECONDS, then failed (8 attempts over about 28 hours with the defaults).
WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "15"))
WEBHOOK_RETRY_SECONDS = [
    float(s)
    for s in os.environ.get("WEBHOOK_RETRY_SECONDS", "5,300,1800,7200,18000,36000,36000").split(",")
    if s.strip()
]
# An endpoint whose every attempt failed for this long is disabled and its owner told.
WEBHOOK_DISABLE_AFTER_SECONDS = float(os.environ.get("WEBHOOK_DISABLE_AFTER_SECONDS", "432000"))
# After a rotation the old secret signs beside the new one for this long.
WEBHOOK_SECRET_GRACE_SECONDS = float(os.environ.get("WEBHOOK_SECRET_GRACE_SECONDS", "86400"))
# At most this many bytes of a receiver's answer are read (the log keeps the first 1 KiB).
WEBHOOK_RESPONSE_LIMIT = int(os.environ.get("WEBHOOK_RESPONSE_LIMIT", "65536"))
# A delivery handed to a worker is its own until then (the timeout plus the worker's queue).
WEBHOOK_LEASE_SECONDS = float(os.environ.get("WEBHOOK_LEASE_SECONDS", "60"))
WEBHOOK_DISPATCH_SECONDS = float(os.environ.get("WEBHOOK_DISPATCH_SECONDS", "2"))
CELERY_BEAT_SCHEDULE["webhooks-dispatch"] = {
    "task": "webhooks.dispatch",
    "schedule": WEBHOOK_DISPATCH_SECONDS,
}

# --- Sales channels (channels/) -------------------------------------------------------------------
# At most one push per SKU per channel this often (the latest count wins); a store that is down is
# tried again after CHANNEL_RETRY_SECONDS; a 429 waits for the store's Retry-After.
CHANNEL_DEBOUNCE_SECONDS = float(os.environ.get("CHANNEL_DEBOUNCE_SECONDS", "3"))
CHANNEL_RETRY_SECONDS = float(os.environ.get("CHANNEL_RETRY_SECONDS", "30"))
CHANNEL_TIMEOUT = float(os.environ.get("CHANNEL_TIMEOUT", "10"))
CHANNEL_SYNC_SECONDS = float(os.environ.get("CHANNEL_SYNC_SECONDS", "1"))
CHANNEL_PULL_SECONDS = float(os.environ.get("CHANNEL_PULL_SECONDS", "60"))
CELERY_BEAT_SCHEDULE["channels-sync"] = {"task": "channels.sync", "schedule": CHANNEL_SYNC_SECONDS}
CELERY_BEAT_SCHEDULE["channels-pull-orders"] = {
    "task": "channels.pull_orders",
    "schedule": CHANNEL_PULL_SECONDS,
}
CELERY_BEAT_SCHEDULE["channels-drift"] = {
    "task": "channels.drift_all",
    "schedule": crontab(hour=3, minute=45),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
