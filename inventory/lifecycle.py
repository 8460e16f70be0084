"""Document lifecycles: one status table per document and one way to change a status.

Each document model declares a `Lifecycle` beside its table (ORDER_LIFECYCLE in picking.models,
ASN_LIFECYCLE in receiving.models, …). `transition` and `transition_many` are the only code that
changes a status: they check the table, update the row conditionally on the status that was read
(so even a caller that skipped the row lock cannot move a document someone else just moved), and
write the status's event in the caller's transaction. A refused change raises InvalidTransition
and writes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db import connection, models
from django.utils import timezone

from inventory.events import NewEvent, emit, emit_many
from wms.exceptions import ConflictError, InvalidTransition
from wms.sqlarrays import int_array

if TYPE_CHECKING:
    from wms.accounts.models import User

D = TypeVar("D", bound=models.Model)


class ChangedMeanwhile(ConflictError):
    code = "changed_meanwhile"


@dataclass(frozen=True)
class Lifecycle(Generic[D]):
    """A document's allowed status changes and the events they write.

    - `transitions`: from status to the statuses it may become (a status may list itself: a
      repeated allocation reports again);
    - `event_prefix`: events are `<prefix>.<new status>` unless `event_types` names another;
    - `describe`: how messages name the document ("Order ORD-1");
    - `payload`: what every event of the document carries (ids, reference);
    - `stamps`: a timestamp field set when the document reaches a status (closed_at, …);
    - `touch`: a field set to now on every change (updated_at), if the model has one;
    - `client_of`: the client an event is for (the document's client_id by default)."""

    model: type[D]
    transitions: Mapping[str, frozenset[str]]
    event_prefix: str
    describe: Callable[[Any], str]
    payload: Callable[[Any], dict[str, Any]]
    event_types: Mapping[str, str] = field(default_factory=dict)
    stamps: Mapping[str, str] = field(default_factory=dict)
    touch: str | None = "updated_at"
    client_of: Callable[[Any], int | None] = lambda doc: getattr(doc, "client_id", None)

    def allowed(self, status: str) -> frozenset[str]:
        return self.transitions.get(status, frozenset())

    def can(self, status: str, to_status: str) -> bool:
        return to_status in self.allowed(status)

    @staticmethod
    def label(status: str) -> str:
        """A status as a message names it: `needs_attention` reads "needs attention"."""
        return status.replace("_", " ")

    def check(self, doc: Any, to_status: str) -> None:
        """Raises InvalidTransition, saying what the document can still become, unless the table
        allows `doc.status` to become `to_status`."""
        allowed = self.allowed(doc.status)
        if to_status in allowed:
            return
        can = (
            f"it can become {' or '.join(sorted(self.label(s) for s in allowed))}"
            if allowed
            else "it can no longer change"
        )
        raise InvalidTransition(
            f"{self.describe(doc)} is {self.label(doc.status)} and cannot become "
            f"{self.label(to_status)}; {can}."
        )

    def event_type(self, to_status: str) -> str:
        return self.event_types.get(to_status) or f"{self.event_prefix}.{to_status}"

    def changes(self, to_status: str, now: Any) -> dict[str, Any]:
        fields: dict[str, Any] = {"status": to_status}
        if self.touch:
            fields[self.touch] = now
        if stamp := self.stamps.get(to_status):
            fields[stamp] = now
        return fields


def transition(
    lifecycle: Lifecycle[D],
    doc: D,
    to_status: str,
    *,
    user: User | None,
    payload: Mapping[str, Any] | None = None,
    changes: Mapping[str, Any] | None = None,
) -> D:
    """Moves `doc` to `to_status` (with `changes` to other fields in the same UPDATE) and writes
    the status's event, in the caller's transaction. Raises InvalidTransition when the table
    refuses, ChangedMeanwhile when another transaction moved the row since it was read."""
    lifecycle.check(doc, to_status)
    fields = lifecycle.changes(to_status, timezone.now()) | dict(changes or {})
    status: str = getattr(doc, "status")  # noqa: B009 (D is any model with a status field)
    updated = type(doc)._default_manager.filter(pk=doc.pk, status=status).update(**fields)
    if updated != 1:
        raise ChangedMeanwhile(
            f"{lifecycle.describe(doc)} was changed by someone else meanwhile; reload it."
        )
    for name, value in fields.items():
        setattr(doc, name, value)
    emit(
        lifecycle.event_type(to_status),
        client_id=lifecycle.client_of(doc),
        warehouse_id=getattr(doc, "warehouse_id", None),
        payload=lifecycle.payload(doc) | dict(payload or {}),
        user=user,
    )
    return doc


def transition_many(
    lifecycle: Lifecycle[D],
    docs: Iterable[Any],
    to_status: str,
    *,
    user: User | None,
    payloads: Mapping[int, Mapping[str, Any]] | None = None,
    skip_unchanged: bool = True,
) -> Sequence[Any]:
    """The set-based `transition` for any number of documents (model instances, or rows read as
    light objects with pk, status, client_id and warehouse_id): one UPDATE and one INSERT of
    events. Documents already at `to_status` are left alone when `skip_unchanged` (unless the
    table lets that status repeat and the caller says not to skip). Returns those it changed."""
    changed = [d for d in docs if not (skip_unchanged and d.status == to_status)]
    if not changed:
        return changed
    for doc in changed:
        lifecycle.check(doc, to_status)
    now = timezone.now()
    fields = lifecycle.changes(to_status, now)
    table = lifecycle.model._meta.db_table
    assignments = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} "  # noqa: S608
            "FROM unnest(%s::bigint[], %s::text[]) AS d(id, status) "
            "WHERE t.id = d.id AND t.status = d.status",
            [*fields.values(), int_array(d.pk for d in changed), [d.status for d in changed]],
        )
        if cursor.rowcount != len(changed):
            raise ChangedMeanwhile(
                f"{len(changed) - cursor.rowcount} of {len(changed)} documents were changed by "
                "someone else meanwhile; reload them."
            )
    for doc in changed:
        for name, value in fields.items():
            setattr(doc, name, value)
    extra = payloads or {}
    emit_many(
        [
            NewEvent(
                type=lifecycle.event_type(to_status),
                client_id=lifecycle.client_of(doc),
                warehouse_id=getattr(doc, "warehouse_id", None),
                payload=lifecycle.payload(doc) | dict(extra.get(doc.pk, {})),
            )
            for doc in changed
        ],
        user=user,
    )
    return changed
