from celery import shared_task
from django.db import connection


@shared_task(name="wms.ping")
def ping() -> str:
    """Answers with the schema the task ran in: how tests and operators check that the worker
    is up and follows the sender's tenant."""
    return str(getattr(connection, "schema_name", "public"))
