"""Idempotency keys: a repeated request returns the first result and writes nothing.

A service declares it once, with `@idempotent(scope, result=...)`: the scope names the action, the
payload is the call's own arguments (or what `payload=` makes of them), and the codec says how the
result is stored and loaded back. Callers pass `idempotency_key=` and nothing else changes:

    @ledger_service
    @idempotent("stock.receive", result=MOVE)
    def receive(*, user: User, product: Product, quantity: int, ..., idempotency_key=None): ...

The key's row is inserted first, inside the service's transaction, so a concurrent repeat waits on
the unique index until the first commits (then replays it) or rolls back (then runs). A service
that calls out of the building (a carrier) must not hold a transaction over the call: it declares
`holds_transaction=False`, runs first and records its result afterwards; a concurrent repeat is
then refused by the service's own state checks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import inspect
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar

from django.db import connection, models, transaction

from wms.exceptions import ConflictError, DomainError
from wms.idempotency.models import IdempotencyRecord
from wms.validation import InvalidInput, text_problem

if TYPE_CHECKING:
    from wms.accounts.models import User

T = TypeVar("T")
P = ParamSpec("P")
M = TypeVar("M", bound=models.Model)
MAX_KEY_LENGTH = 128
KEY_ARGUMENT = "idempotency_key"


class IdempotencyConflict(ConflictError):
    code = "idempotency_conflict"


@dataclass(frozen=True)
class Codec(Generic[T]):
    """How a service's result is stored with its key (JSON) and loaded back for a repeat."""

    dump: Callable[[T], Any]
    load: Callable[[Any], T]


# The result is not stored; a repeat returns None (the caller reads the object afresh).
NOTHING: Codec[Any] = Codec(dump=lambda _: None, load=lambda _: None)
# The result is JSON already (a number, a string, a list of ids).
AS_JSON: Codec[Any] = Codec(dump=lambda value: value, load=lambda value: value)


def model_codec(model: type[M], *related: str) -> Codec[M]:
    """The result is one row of `model`: its primary key is stored, the row loaded again."""
    return Codec(
        dump=lambda obj: obj.pk,
        load=lambda pk: model._default_manager.select_related(*related).get(pk=pk),
    )


def dataclass_codec(cls: type[T]) -> Codec[T]:
    """The result is a flat dataclass of JSON values."""
    return Codec(dump=dataclasses.asdict, load=lambda raw: cls(**raw))  # type: ignore[arg-type]


def dataclass_list_codec(cls: type[T]) -> Codec[list[T]]:
    """The result is a list of flat dataclasses of JSON values."""
    return Codec(
        dump=lambda rows: [dataclasses.asdict(row) for row in rows],  # type: ignore[call-overload]
        load=lambda raw: [cls(**row) for row in raw],
    )


def jsonable(value: Any) -> Any:
    """A service argument as it goes into the payload's fingerprint: a row by its primary key, a
    dataclass or mapping field by field, dates and decimals as text."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if isinstance(value, Decimal | dt.date | dt.datetime | dt.time):
        return str(value)
    if hasattr(value, "model_dump"):  # a pydantic schema (an API body)
        return value.model_dump(mode="json")
    return value


def fingerprint_of(scope: str, payload: dict[str, Any]) -> str:
    body = json.dumps({"scope": scope, "payload": payload}, sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def _check_key(user: User, key: str) -> None:
    if len(key) > MAX_KEY_LENGTH:
        raise DomainError(
            f"Idempotency key is {len(key)} characters; at most {MAX_KEY_LENGTH} are allowed.",
            code="invalid",
        )
    if problem := text_problem(key):
        raise InvalidInput(f"Idempotency key {problem}")
    if user is None or not getattr(user, "pk", None):
        raise DomainError("An idempotency key needs a signed-in user.", code="invalid")


def run_once(
    *,
    user: User,
    key: str | None,
    scope: str,
    payload: dict[str, Any],
    action: Callable[[], T],
    result: Codec[T],
    holds_transaction: bool = True,
) -> T:
    """Runs `action` once per (user, key): stores its dumped result and, for a repeat with the
    same scope and payload, returns the loaded result without running anything; a repeat with
    another payload is refused (IdempotencyConflict). No key: just runs. Use `@idempotent` on
    the service instead of calling this.

    Inside one transaction (the default) the key's row is inserted first, so a concurrent repeat
    waits on its unique index. An action that calls out of the building must hold no transaction
    over the call (`holds_transaction=False`): its result is recorded after it ran, and two
    concurrent first requests both run, so its own state checks must refuse the second."""
    if not key:
        return action()
    _check_key(user, key)
    fingerprint = fingerprint_of(scope, payload)
    if not holds_transaction:
        record = IdempotencyRecord.objects.filter(user_id=user.pk, key=key).first()
        if record is not None:
            return _replay(key, record, fingerprint, result)
        value = action()
        IdempotencyRecord.objects.get_or_create(
            user_id=user.pk,
            key=key,
            defaults={"scope": scope, "fingerprint": fingerprint, "result": result.dump(value)},
        )
        return value
    with transaction.atomic():
        table = IdempotencyRecord._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (user_id, key, scope, fingerprint, result, created_at) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, NULL, now()) "
                "ON CONFLICT (user_id, key) DO NOTHING RETURNING id",
                [user.pk, key, scope, fingerprint],
            )
            inserted = cursor.fetchone()
        if inserted is None:
            record = IdempotencyRecord.objects.get(user_id=user.pk, key=key)
            return _replay(key, record, fingerprint, result)
        value = action()
        IdempotencyRecord.objects.filter(pk=inserted[0]).update(result=result.dump(value))
        return value


def _replay(key: str, record: IdempotencyRecord, fingerprint: str, result: Codec[T]) -> T:
    """The first result for a repeat of the same request; a conflict for another request."""
    if record.fingerprint != fingerprint:
        raise IdempotencyConflict(
            f"Idempotency key “{key}” was already used for a different request "
            f"({record.scope}). Use a new key for a new request."
        )
    return result.load(record.result)


def idempotent(
    scope: str,
    *,
    result: Codec[Any],
    payload: Callable[..., dict[str, Any]] | None = None,
    holds_transaction: bool = True,
    actor: str = "user",
) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Makes a service run once per (acting user, `idempotency_key`). The service takes keyword
    arguments `user` (or the one `actor` names: who acts) and `idempotency_key`; the payload that
    a repeat must match is every other argument (rows by primary key), or `payload(**arguments)`
    when the service names it."""

    def decorate(fn: Callable[P, T]) -> Callable[P, T]:
        signature = inspect.signature(fn)
        missing = {actor, KEY_ARGUMENT} - set(signature.parameters)
        if missing:
            raise TypeError(f"{fn.__qualname__} must take {', '.join(sorted(missing))}")

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            arguments = dict(bound.arguments)
            key = arguments.pop(KEY_ARGUMENT)
            user = arguments[actor]
            if not key:
                return fn(*args, **kwargs)
            others = {name: value for name, value in arguments.items() if name != actor}
            body = payload(**others) if payload else jsonable(others)
            return run_once(
                user=user,
                key=key,
                scope=scope,
                payload=body,
                action=lambda: fn(*args, **kwargs),
                result=result,
                holds_transaction=holds_transaction,
            )

        wrapper.idempotency_scope = scope  # type: ignore[attr-defined]
        return wrapper

    return decorate
