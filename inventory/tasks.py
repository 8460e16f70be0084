from celery import shared_task

from inventory.reconcile import check_and_record


@shared_task(name="inventory.nightly_ledger_check")
def nightly_ledger_check() -> int:
    """Reconciles this tenant's balances with its ledger and records the result (sent per tenant
    by beat). Safe to run twice: it only reads and appends a check row."""
    return check_and_record().drift_count
