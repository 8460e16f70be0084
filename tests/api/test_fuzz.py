"""Schemathesis against the whole API, in `make test`: for every operation of the OpenAPI document,
a bounded number of generated requests that fit the schema and as many that do not, sent with a
manager's token. Any 500, or a response that does not match the documented schema (the envelope
for every error), fails the test, naming the operation and a curl command to replay it.

In-process, not against a live stack: schemathesis calls Django's own WSGI handler on this thread,
so every request runs inside the test's transaction, in the acme tenant (Host acme.localhost),
against the same small floor the API tests use. Each request is rolled back to a savepoint, so
every example sees the same data whatever ran before it, and hypothesis runs derandomized with
its database off: the same examples every run, no flakes in CI. Ten examples per operation and
mode, about 1,500 requests, take about 20 s here; FUZZ_EXAMPLES=100 runs a deeper search.

NUL bytes, which PostgreSQL cannot store, are rare among generated strings, so every query
filter and the bodies that once failed are probed with them one by one in test_bad_input.py."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from django.test import Client as HttpClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
BASE_URL = "http://acme.localhost"


@contextmanager
def wsgi_app() -> Iterator[WSGIHandler]:
    """Django's WSGI handler, without the per-request connection cleanup that would close the
    test's connection (and its transaction), as Django's own test client avoids it. (A request
    through the test client connects the cleanup again when it ends, so none may run inside.)"""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def fuzz(operation: Any, mode: GenerationMode, app: Any, headers: dict[str, str]) -> None:
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        savepoint = transaction.savepoint()
        try:
            response = case.call(app=app, base_url=BASE_URL, headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)
        finally:
            transaction.savepoint_rollback(savepoint)

    run()


def test_no_operation_answers_500_or_breaks_its_documented_schema(
    inbound: Any, manager_api: Any, settings: Any
) -> None:
    settings.DEBUG = False
    document = HttpClient(HTTP_HOST="acme.localhost").get("/api/v1/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    headers = {"Authorization": manager_api.http.defaults["HTTP_AUTHORIZATION"]}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 70
    failures: list[str] = []
    with wsgi_app() as app:
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                try:
                    fuzz(operation, mode, app, headers)
                except Exception as exc:  # every operation's failure is reported
                    failures.append(f"{operation.label} ({mode.value}): {exc}")
    assert not failures, "\n\n".join(failures)
