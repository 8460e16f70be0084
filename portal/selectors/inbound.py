"""The client's ASNs as the portal lists them: receiving's search (scoped to the client, with
expected and received totals), narrowed to the ones due this week."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from portal.selectors.home import ANNOUNCED_ASN_STATUSES, week_of
from receiving import selectors as receiving_selectors
from receiving.models import Asn

if TYPE_CHECKING:
    from wms.accounts.models import User


def client_asns(user: User, *, query: str = "", status: str = "", week: str = "") -> QuerySet[Asn]:
    rows = receiving_selectors.search_asns(user, query=query, status=status)
    if week == "this":
        rows = rows.filter(
            status__in=ANNOUNCED_ASN_STATUSES,
            expected_date__range=week_of(timezone.localdate()),
        )
    return rows
