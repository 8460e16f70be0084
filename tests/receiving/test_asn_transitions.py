"""The ASN status table: every allowed change writes its event; every other one is refused with
InvalidTransition and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.models import Event
from receiving import services
from receiving.models import TRANSITIONS, Asn, AsnStatus
from wms.exceptions import InvalidTransition

ALLOWED = sorted((source, target) for source, targets in TRANSITIONS.items() for target in targets)
REFUSED = sorted(
    (source, target)
    for source in AsnStatus.values
    for target in AsnStatus.values
    if target not in TRANSITIONS[source]
)


def test_the_table_is_the_documented_lifecycle() -> None:
    assert ALLOWED == [
        ("draft", "cancelled"),
        ("draft", "expected"),
        ("expected", "cancelled"),
        ("expected", "receiving"),
        ("receiving", "received"),
    ]


@pytest.fixture
def draft(wh: Any, acme_outdoor: Any, widget: Any) -> Asn:
    return services.create_asn(
        client=acme_outdoor, warehouse=wh, reference="PO-7", lines=[services.AsnLineSpec(widget, 1)]
    )


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_allowed_transitions_change_status_and_write_an_event(
    source: str, target: str, draft: Asn, manager: Any
) -> None:
    Asn.objects.filter(pk=draft.pk).update(status=source)
    asn = Asn.objects.get(pk=draft.pk)

    services.transition(asn, target, manager)

    asn.refresh_from_db()
    assert asn.status == target
    event = Event.objects.exclude(type="asn.created").get()
    assert (
        event.type
        == {
            "expected": "asn.expected",
            "receiving": "asn.receiving_started",
            "received": "asn.closed",
            "cancelled": "asn.cancelled",
        }[target]
    )
    assert event.payload == {"asn": asn.pk, "reference": "PO-7"}
    assert event.user == manager
    assert (asn.closed_at is not None) == (target == "received")


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_every_other_transition_is_refused(
    source: str, target: str, draft: Asn, manager: Any
) -> None:
    Asn.objects.filter(pk=draft.pk).update(status=source)
    asn = Asn.objects.get(pk=draft.pk)
    allowed = sorted(TRANSITIONS[source])
    can = f"it can become {' or '.join(allowed)}" if allowed else "it can no longer change"

    with pytest.raises(InvalidTransition) as refused:
        services.transition(asn, target, manager)

    assert refused.value.message == (f"ASN PO-7 is {source} and cannot become {target}; {can}.")
    assert Asn.objects.get(pk=draft.pk).status == source
    assert not Event.objects.exclude(type="asn.created").exists()


def test_mark_expected_and_cancel(draft: Asn, manager: Any) -> None:
    services.mark_expected(asn=draft, user=manager)
    services.cancel_asn(asn=draft, user=manager)

    assert Asn.objects.get(pk=draft.pk).status == AsnStatus.CANCELLED
    assert list(Event.objects.values_list("type", flat=True)) == [
        "asn.created",
        "asn.expected",
        "asn.cancelled",
    ]


def test_cancel_is_refused_once_receiving_has_started(asn: Asn, manager: Any, widget: Any) -> None:
    services.receive_scan(asn=asn, code_or_product=widget, user=manager)

    with pytest.raises(InvalidTransition) as refused:
        services.cancel_asn(asn=asn, user=manager)

    assert refused.value.message == (
        "ASN PO-1000 is receiving and cannot become cancelled; it can become received."
    )
    assert Asn.objects.get(pk=asn.pk).status == AsnStatus.RECEIVING
