"""Settings of the live stack's processes (tests/live.py): wms.settings.dev, plus what a test run
needs and the app must not ship.

* FV_E2E_QUEUE: the run's own Celery queue. Every run shares Redis DB 12, so without it one run's
  worker could take another run's provisioning task and look for the tenant in the wrong database.
* FV_E2E_SCAN_DELAY_MS: slow scan POSTs down so back-to-back scans queue in the browser."""

import json
import os

from wms.settings.dev import *  # noqa: F403
from wms.settings.dev import CELERY_BROKER_TRANSPORT_OPTIONS, MIDDLEWARE

CELERY_TASK_DEFAULT_QUEUE = os.environ.get("FV_E2E_QUEUE", "celery")
# FV_E2E_BROKER_TRANSPORT_OPTIONS: a short visibility timeout (redelivery after a killed worker)
# and the run's own key prefix, when a test asks for them (tests/live.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    **json.loads(os.environ.get("FV_E2E_BROKER_TRANSPORT_OPTIONS") or "{}"),
}
CELERY_RESULT_EXPIRES = 600  # results outlive a run by minutes, not the default day
# As in wms.settings.test: the slow default hasher costs seconds per run (seed_demo's four users,
# every sign-in) and is not what these tests are about.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if os.environ.get("FV_E2E_SCAN_DELAY_MS"):
    # Before django-axes, which wants to stay last.
    MIDDLEWARE = [*MIDDLEWARE[:-1], "devtools.e2e_middleware.scan_delay_middleware", MIDDLEWARE[-1]]

# /e2e-crash/ fails with an unhandled error: the browser tests see the app's 500 page.
MIDDLEWARE = [*MIDDLEWARE[:-1], "devtools.e2e_middleware.crash_middleware", MIDDLEWARE[-1]]
