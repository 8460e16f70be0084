"""The Celery app. Tenant-aware: a task runs in the schema it was sent from (the schema travels in
the `_schema_name` header, tenant-schemas-celery). Send tasks on commit, from inside the tenant."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wms.settings.dev")

app = CeleryApp("wms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# wms is the project package, not an installed app: name it so its tasks (wms.ping) register.
app.autodiscover_tasks(["wms"])
