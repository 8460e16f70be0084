"""Rate cards and their versions. A version is checked as a whole before anything is written:
every rule's prices (not negative, at most four decimals), its detail (a storage type for
location-days, a range for unit ranges), rules that overlap (two of one kind and basis, two unit
ranges that share a unit), and the effective date (never on or before the last day of a
finalised period: that would reprice what was invoiced). Errors name the rule and field."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import transaction

from billing import rules as billing_rules
from billing.exceptions import RateCardRefused
from billing.models import (
    Basis,
    PeriodKind,
    RateCard,
    RateCardVersion,
    RateRule,
    RuleKind,
    StorageMode,
)
from billing.selectors import last_finalized_end
from inventory.events import emit
from inventory.models import Client, StorageType
from wms.idempotency.services import idempotent, model_codec

if TYPE_CHECKING:
    import datetime as dt

    from wms.accounts.models import User

MAX_PRICE = Decimal("9999999999.9999")  # what DecimalField(14, 4) holds
MAX_PERCENT = Decimal("9999.999")


@dataclass(frozen=True)
class RuleSpec:
    """One rule as a form or API body gives it."""

    kind: str
    basis: str
    unit_price: Decimal = Decimal("0")
    markup_percent: Decimal = Decimal("0")
    markup_flat: Decimal = Decimal("0")
    storage_type: str = ""
    tier_from: int | None = None
    tier_to: int | None = None
    description: str = ""


def _decimal_problem(value: Decimal, places: int, most: Decimal) -> str | None:
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return "Must be a number."
    if not number.is_finite():
        return "Must be a number."
    if number < 0:
        return "Must not be negative."
    if number > most:
        return f"At most {most}."
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        return f"At most {places} decimals."
    return None


def _check_prices(spec: RuleSpec, errors: dict[str, list[str]]) -> None:
    for name, places, most in (
        ("unit_price", 4, MAX_PRICE),
        ("markup_percent", 3, MAX_PERCENT),
        ("markup_flat", 4, MAX_PRICE),
    ):
        problem = _decimal_problem(getattr(spec, name), places, most)
        if problem:
            errors.setdefault(name, []).append(problem)
    cost_plus = spec.basis in billing_rules.COST_PLUS
    if cost_plus and spec.unit_price:
        errors.setdefault("unit_price", []).append(
            "A cost-plus rule charges the cost plus its markups: leave the unit price at 0."
        )
    if not cost_plus and (spec.markup_percent or spec.markup_flat):
        errors.setdefault("markup_percent", []).append(
            "Only materials, boxes and labels take a markup."
        )


def _check_detail(spec: RuleSpec, errors: dict[str, list[str]]) -> None:
    if spec.basis == Basis.LOCATION_DAY:
        if spec.storage_type not in StorageType.values:
            errors.setdefault("storage_type", []).append(
                f"Choose the storage type: {', '.join(StorageType.values)}."
            )
    elif spec.storage_type:
        errors.setdefault("storage_type", []).append("Only location-day rules take one.")
    if spec.basis == Basis.PICK_UNIT_RANGE:
        if spec.tier_from is None or spec.tier_from < 1:
            errors.setdefault("tier_from", []).append("A range starts at unit 1 or later.")
        elif spec.tier_to is not None and spec.tier_to < spec.tier_from:
            errors.setdefault("tier_to", []).append(
                f"The range ends before it starts ({spec.tier_from} to {spec.tier_to})."
            )
    elif spec.tier_from is not None or spec.tier_to is not None:
        errors.setdefault("tier_from", []).append("Only unit-range rules take a range.")
    if spec.basis == Basis.MANUAL and not spec.description.strip():
        errors.setdefault("description", []).append("Name the service (e.g. “Kitting, per hour”).")
    if len(spec.description) > 200:
        errors.setdefault("description", []).append("At most 200 characters.")


def _overlap_key(spec: RuleSpec) -> tuple[str, ...]:
    if spec.basis == Basis.LOCATION_DAY:
        return (spec.basis, spec.storage_type)
    if spec.basis == Basis.MANUAL:
        return (spec.basis, spec.description.strip().lower())
    return (spec.basis,)


def _ranges_overlap(a: RuleSpec, b: RuleSpec) -> bool:
    a_end = a.tier_to if a.tier_to is not None else float("inf")
    b_end = b.tier_to if b.tier_to is not None else float("inf")
    return (a.tier_from or 0) <= b_end and (b.tier_from or 0) <= a_end


def check_rules(specs: Sequence[RuleSpec]) -> dict[str, list[str]]:
    """Field errors of a version's rules, keyed `rules.<n>.<field>` (empty: all good)."""
    errors: dict[str, list[str]] = {}
    seen: dict[tuple[str, ...], int] = {}
    ranges: list[tuple[int, RuleSpec]] = []
    for n, spec in enumerate(specs):
        mine: dict[str, list[str]] = {}
        if spec.basis not in Basis.values:
            mine.setdefault("basis", []).append(f"Unknown basis “{spec.basis}”.")
        elif billing_rules.BASIS_KIND[spec.basis] != spec.kind:
            kind = RuleKind(billing_rules.BASIS_KIND[spec.basis]).label.lower()
            mine.setdefault("kind", []).append(f"{Basis(spec.basis).label} is a {kind} rule.")
        else:
            _check_prices(spec, mine)
            _check_detail(spec, mine)
        if not mine and spec.basis == Basis.PICK_UNIT_RANGE:
            for m, other in ranges:
                if _ranges_overlap(spec, other):
                    mine.setdefault("tier_from", []).append(
                        f"Units {spec.tier_from} to {spec.tier_to or 'any'} overlap rule {m + 1} "
                        f"(units {other.tier_from} to {other.tier_to or 'any'})."
                    )
            ranges.append((n, spec))
        elif not mine:
            key = _overlap_key(spec)
            if key in seen:
                mine.setdefault("basis", []).append(
                    f"Overlaps rule {seen[key] + 1}: both charge "
                    f"{Basis(spec.basis).label.lower()}"
                    + (f" ({spec.storage_type})" if spec.storage_type else "")
                    + "."
                )
            else:
                seen[key] = n
        for name, messages in mine.items():
            errors[f"rules.{n}.{name}"] = messages
    return errors


@transaction.atomic
def create_rate_card(
    *, user: User, client: Client, name: str, period_kind: str = PeriodKind.MONTHLY
) -> RateCard:
    """A client's (first and only) rate card, without versions yet."""
    errors: dict[str, list[str]] = {}
    if RateCard.objects.filter(client=client).exists():
        errors["client"] = [f"{client.name} has a rate card already: add a version to it."]
    if not name.strip():
        errors["name"] = ["Name the card."]
    if period_kind not in PeriodKind.values:
        errors["period_kind"] = [f"Choose one of {', '.join(PeriodKind.values)}."]
    if errors:
        raise RateCardRefused("The rate card was not saved.", field_errors=errors)
    card = RateCard.objects.create(client=client, name=name.strip(), period_kind=period_kind)
    emit(
        "rate_card.created",
        client_id=client.pk,
        warehouse_id=None,
        payload={"rate_card_id": card.pk, "name": card.name, "period_kind": period_kind},
        user=user,
    )
    return card


@idempotent("billing.create_version", result=model_codec(RateCardVersion, "card"))
def create_version(
    *,
    user: User,
    card: RateCard,
    effective_from: dt.date,
    rules: Sequence[RuleSpec],
    storage_mode: str = StorageMode.DAILY,
    note: str = "",
    idempotency_key: str | None = None,
) -> RateCardVersion:
    """A new version of the card with its rules, taking effect on `effective_from` (the later
    of two versions with one date wins). Refused, with nothing written, for any rule error, an
    unknown storage mode or a date on or before the end of the client's last finalised period."""
    with transaction.atomic():
        locked = RateCard.objects.select_for_update().get(pk=card.pk)
        errors = check_rules(rules)
        if not rules:
            errors["rules"] = ["Give at least one rule."]
        if storage_mode not in StorageMode.values:
            errors["storage_mode"] = [f"Choose one of {', '.join(StorageMode.values)}."]
        closed_until = last_finalized_end(locked.client_id)
        if closed_until is not None and effective_from <= closed_until:
            errors["effective_from"] = [
                f"{locked.client} is invoiced (finalised) up to {closed_until:%Y-%m-%d}: a new "
                "version can take effect from the day after at the earliest."
            ]
        if errors:
            raise RateCardRefused(
                f"Version not saved: {sum(len(v) for v in errors.values())} problem(s).",
                field_errors=errors,
            )
        last = locked.versions.order_by("-number").values_list("number", flat=True).first()
        version = RateCardVersion.objects.create(
            card=locked,
            number=(last or 0) + 1,
            effective_from=effective_from,
            storage_mode=storage_mode,
            note=note.strip()[:200],
            created_by=user if getattr(user, "pk", None) else None,
        )
        RateRule.objects.bulk_create(
            RateRule(
                version=version,
                kind=spec.kind,
                basis=spec.basis,
                storage_type=spec.storage_type,
                tier_from=spec.tier_from,
                tier_to=spec.tier_to,
                unit_price=Decimal(spec.unit_price),
                markup_percent=Decimal(spec.markup_percent),
                markup_flat=Decimal(spec.markup_flat),
                description=spec.description.strip(),
                position=n,
            )
            for n, spec in enumerate(rules)
        )
        emit(
            "rate_card.version_created",
            client_id=locked.client_id,
            warehouse_id=None,
            payload={
                "rate_card_id": locked.pk,
                "version_id": version.pk,
                "number": version.number,
                "effective_from": effective_from.isoformat(),
                "rules": len(rules),
            },
            user=user,
        )
        return version


def specs_of(version: RateCardVersion) -> list[RuleSpec]:
    """A version's rules as specs: the editor starts a new version from the last one."""
    return [
        RuleSpec(
            kind=r.kind,
            basis=r.basis,
            unit_price=r.unit_price,
            markup_percent=r.markup_percent,
            markup_flat=r.markup_flat,
            storage_type=r.storage_type,
            tier_from=r.tier_from,
            tier_to=r.tier_to,
            description=r.description,
        )
        for r in version.rules.order_by("position", "pk")
    ]
