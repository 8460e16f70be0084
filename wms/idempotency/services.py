"""Idempotency keys: a repeated request returns the first result and writes nothing.

Used inside the caller's transaction: the key's row is inserted first, so a concurrent repeat
waits on the unique index until the first commits (then replays it) or rolls back (then runs)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connection, transaction

from wms.exceptions import ConflictError, DomainError
from wms.idempotency.models import IdempotencyRecord
from wms.validation import InvalidInput, text_problem

T = TypeVar("T")
MAX_KEY_LENGTH = 128


class IdempotencyConflict(ConflictError):
    code = "idempotency_conflict"


def fingerprint_of(scope: str, payload: dict[str, Any]) -> str:
    body = json.dumps({"scope": scope, "payload": payload}, sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def run_once(
    *,
    user: Any,
    key: str | None,
    scope: str,
    payload: dict[str, Any],
    action: Callable[[], T],
    dump: Callable[[T], Any],
    load: Callable[[Any], T],
) -> T:
    """Runs `action` once per (user, key): stores `dump(result)` and, for a repeat with the same
    scope and payload, returns `load(stored)` without running anything. No key: just runs."""
    if not key:
        return action()
    if len(key) > MAX_KEY_LENGTH:
        raise DomainError(
            f"Idempotency key is {len(key)} characters; at most {MAX_KEY_LENGTH} are allowed.",
            code="invalid",
        )
    if problem := text_problem(key):
        raise InvalidInput(f"Idempotency key {problem}")
    if user is None or not getattr(user, "pk", None):
        raise DomainError("An idempotency key needs a signed-in user.", code="invalid")
    fingerprint = fingerprint_of(scope, payload)
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
            if record.fingerprint != fingerprint:
                raise IdempotencyConflict(
                    f"Idempotency key “{key}” was already used for a different request "
                    f"({record.scope}). Use a new key for a new request."
                )
            return load(record.result)
        result = action()
        IdempotencyRecord.objects.filter(pk=inserted[0]).update(result=dump(result))
        return result
