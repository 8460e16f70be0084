"""The test suite: real PostgreSQL and Redis, tasks run eagerly unless a test starts a worker."""

import os

from .base import *  # noqa: F403
from .base import DATABASES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DB_NAME", "test_fluxvantage")}
ALLOWED_HOSTS = [".localhost", "localhost", "testserver"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
# Off in tests: with it on, test teardown can run on a stale search_path (django-tenants #730).
TENANT_LIMIT_SET_CALLS = False
# Webhook receivers in tests listen on loopback.
WEBHOOK_ALLOW_LOOPBACK = True
