"""The billing demo: each demo client gets a rate card with every rule kind, a month of
billed activity and one finalised invoice; seeding again adds nothing."""

from __future__ import annotations

import io
from typing import Any

from billing import demo as billing_demo
from billing.models import ChargeLine, Invoice, RateRule, RuleKind
from inventory import demo as inventory_demo
from inventory.models import Client


def test_the_demo_bills_every_client_once(acme: Any) -> None:
    out = io.StringIO()
    inventory_demo.seed(password="demo-pass-123", stdout=out)
    billing_demo.seed(password="demo-pass-123", stdout=out)

    clients = list(Client.objects.all())
    assert len(clients) == 3
    for client in clients:
        rules = RateRule.objects.filter(version__card__client=client)
        assert set(rules.values_list("kind", flat=True)) == set(RuleKind.values)
        (invoice,) = Invoice.objects.filter(client=client)
        assert invoice.status == "finalized" and invoice.total > 0
        assert invoice.lines.filter(kind="storage").exists()
        assert invoice.lines.filter(basis="label").exists()
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [1, 2, 3]
    lines = ChargeLine.objects.count()

    billing_demo.seed(password="demo-pass-123", stdout=out)

    assert Invoice.objects.count() == 3 and ChargeLine.objects.count() == lines
    assert "3 clients billed" in out.getvalue()
