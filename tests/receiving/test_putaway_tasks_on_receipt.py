"""Receiving makes the putaway work: every receipt ensures, in its own transaction, one active
putaway task for the LPN it went onto (shared by every scan onto that LPN), for ASN and blind
receipts alike. The proposal is made again when an operator starts the task, so it is directed
by everything the LPN holds by then."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.models import Location
from receiving import services
from receiving.exceptions import OverReceipt, PutawayRefused
from receiving.models import ACTIVE_PUTAWAY, PutawayStatus, PutawayTask
from receiving.services import putaway_tasks


def active_tasks(lpn: Any) -> list[PutawayTask]:
    return list(PutawayTask.objects.filter(lpn=lpn, status__in=ACTIVE_PUTAWAY))


def test_a_receipt_opens_a_task_for_its_lpn_at_the_dock(
    asn: Any, widget: Any, operator: Any, dock: Any, bin_a: Any
) -> None:
    receipt = services.receive_scan(asn=asn, code_or_product=widget, quantity=2, user=operator)

    (task,) = active_tasks(receipt.lpn)
    assert (task.status, task.from_location, task.proposed_location, task.warehouse_id) == (
        PutawayStatus.OPEN,
        dock,
        bin_a,
        asn.warehouse_id,
    )


def test_two_scans_onto_one_lpn_leave_one_task_proposed_for_both_units(
    asn: Any, widget: Any, operator: Any, bin_a: Any, bin_b: Any
) -> None:
    # A-01-01 takes one unit only: right for the first scan, too small for both.
    Location.objects.filter(pk=bin_a.pk).update(max_units=1)
    first = services.receive_scan(asn=asn, code_or_product=widget, user=operator)
    (task,) = active_tasks(first.lpn)
    assert task.proposed_location == bin_a

    second = services.receive_scan(asn=asn, code_or_product=widget, user=operator, lpn=first.lpn)

    assert second.lpn == first.lpn
    assert active_tasks(first.lpn) == [task]
    assert PutawayTask.objects.count() == 1
    started = putaway_tasks.start_task(user=operator, task=task)
    assert (started.status, started.proposed_location) == (PutawayStatus.IN_PROGRESS, bin_b)
    stored = PutawayTask.objects.get(pk=task.pk)
    assert stored.proposed_location == bin_b
    assert stored.reason.startswith("Nearest empty location A-01-02")
    # Confirming there moves both units.
    done = putaway_tasks.confirm_putaway(
        user=operator, task=started, scanned_location_code="A-01-02"
    )
    assert done.status == PutawayStatus.DONE


def test_start_when_nothing_fits_any_more_leaves_the_task_for_a_manager(
    asn: Any, widget: Any, operator: Any, bin_a: Any
) -> None:
    receipt = services.receive_scan(asn=asn, code_or_product=widget, user=operator)
    (task,) = active_tasks(receipt.lpn)
    Location.objects.filter(pk=bin_a.pk).update(is_blocked=True)

    with pytest.raises(PutawayRefused) as refused:
        putaway_tasks.start_task(user=operator, task=task)

    assert refused.value.code == "needs_attention"
    stored = PutawayTask.objects.get(pk=task.pk)
    assert (stored.status, stored.proposed_location, stored.assigned_to) == (
        PutawayStatus.NEEDS_ATTENTION,
        None,
        None,
    )
    assert "A-01-01 blocked" in stored.reason


def test_a_repeated_scan_and_a_refused_scan_make_no_task(
    asn: Any, widget: Any, operator: Any, bin_a: Any
) -> None:
    services.receive_scan(
        asn=asn, code_or_product=widget, quantity=2, user=operator, idempotency_key="k-1"
    )
    services.receive_scan(
        asn=asn, code_or_product=widget, quantity=2, user=operator, idempotency_key="k-1"
    )
    assert PutawayTask.objects.count() == 1

    with pytest.raises(OverReceipt):
        services.receive_scan(asn=asn, code_or_product=widget, quantity=50, user=operator)
    assert PutawayTask.objects.count() == 1


def test_a_blind_receipt_opens_a_task_too(
    wh: Any, dock: Any, bin_a: Any, widget: Any, acme_outdoor: Any, manager: Any
) -> None:
    receipt = services.blind_receive(
        warehouse=wh, client=acme_outdoor, code_or_product=widget, quantity=3, user=manager
    )

    (task,) = active_tasks(receipt.lpn)
    assert (task.status, task.proposed_location, task.from_location) == (
        PutawayStatus.OPEN,
        bin_a,
        dock,
    )
