"""wms.idempotency.idempotent: a service declares its scope once; a repeat with the same key and
arguments returns the first result and runs nothing; other arguments are refused."""

from __future__ import annotations

from typing import Any

import pytest

from wms.idempotency.models import IdempotencyRecord
from wms.idempotency.services import (
    AS_JSON,
    IdempotencyConflict,
    idempotent,
    model_codec,
)

calls: list[dict[str, Any]] = []


@idempotent("test.count", result=AS_JSON)
def count(
    *, user: Any, things: list[int], note: str = "", idempotency_key: str | None = None
) -> int:
    calls.append({"things": things, "note": note})
    return len(calls)


@idempotent("test.outside", result=AS_JSON, holds_transaction=False)
def call_out(*, user: Any, what: str, idempotency_key: str | None = None) -> str:
    calls.append({"what": what})
    return f"{what}-{len(calls)}"


@pytest.fixture(autouse=True)
def fresh_calls() -> None:
    calls.clear()


def test_a_repeat_returns_the_first_result_and_runs_nothing(manager: Any) -> None:
    first = count(user=manager, things=[1, 2], idempotency_key="k1")
    again = count(user=manager, things=[1, 2], idempotency_key="k1")

    assert (first, again, len(calls)) == (1, 1, 1)
    record = IdempotencyRecord.objects.get()
    assert (record.scope, record.result) == ("test.count", 1)


def test_other_arguments_with_the_same_key_are_refused(manager: Any) -> None:
    count(user=manager, things=[1, 2], idempotency_key="k1")

    with pytest.raises(IdempotencyConflict, match="already used for a different request"):
        count(user=manager, things=[1, 2], note="changed", idempotency_key="k1")

    assert len(calls) == 1


def test_without_a_key_every_call_runs(manager: Any) -> None:
    count(user=manager, things=[1])
    count(user=manager, things=[1])

    assert len(calls) == 2
    assert not IdempotencyRecord.objects.exists()


def test_a_service_that_calls_out_records_its_result_after_running(manager: Any) -> None:
    first = call_out(user=manager, what="label", idempotency_key="k2")
    again = call_out(user=manager, what="label", idempotency_key="k2")

    assert (first, again, len(calls)) == ("label-1", "label-1", 1)


def test_rows_are_part_of_the_payload_by_primary_key(manager: Any, operator: Any) -> None:
    @idempotent("test.user", result=model_codec(type(operator)))
    def touch(*, user: Any, other: Any, idempotency_key: str | None = None) -> Any:
        calls.append({"other": other.pk})
        return other

    assert touch(user=manager, other=operator, idempotency_key="k3") == operator
    assert touch(user=manager, other=operator, idempotency_key="k3") == operator
    with pytest.raises(IdempotencyConflict):
        touch(user=manager, other=manager, idempotency_key="k3")
    assert len(calls) == 1


def test_a_service_without_a_key_parameter_cannot_be_declared() -> None:
    with pytest.raises(TypeError, match="must take idempotency_key"):

        @idempotent("test.bad", result=AS_JSON)
        def bad(*, user: Any) -> None: ...
