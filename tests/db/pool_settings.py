"""Production settings (psycopg's pool, TENANT_LIMIT_SET_CALLS) served by gunicorn for
tests/db: the real tenant URLs plus two probes (tests/db/pool_urls.py)."""

from wms.settings.prod import *  # noqa: F403

ROOT_URLCONF = "tests.db.pool_urls"
# The tests read no static file; the manifest storage would want collectstatic first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
