"""Rate shopping with a real Celery worker process on the real Redis, against the fake EasyPost
server (running in this test process, so its counters are read directly).

The stack is this module's own (tests/live.py): its own database, queue and Redis key prefix, a
4-second visibility timeout so that a task whose worker was SIGKILLed is handed to the next
worker within seconds, and sub-second retry backoff. Shipments are made in the stack's demo
tenant by `manage.py shell` with the same fixture code the unit tests use; their rating task is
sent on commit, by name, exactly as the pack station sends it."""

from __future__ import annotations

import io
import json
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psutil
import pytest
from pypdf import PdfReader

from devtools.easypost_fake import FakeEasyPost
from tests.live import LiveStack, running_live_stack
from tests.shipping.shipments_fixtures import FAKE_ACCOUNTS

pytestmark = pytest.mark.worker

API_KEY = "EZTK_rating_worker_e2e"
WAIT_SECONDS = 45.0

MAKE_SHIPMENT = """
from django_tenants.utils import schema_context
from tests.factories import ClientFactory, WarehouseFactory
from tests.shipping.shipments_fixtures import make_packed_order
from wms.accounts.models import User

with schema_context({schema!r}):
    world = make_packed_order(
        user=User.objects.get(email="manager@demo.test"),
        warehouse=WarehouseFactory(code="E2E-SHIP", name="E2E DC"),
        client=ClientFactory(code="e2e-ship"),
        reference={reference!r},
    )
    print("SHIPMENT", world.shipment.pk)
"""


@pytest.fixture(scope="module")
def rating_stack(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[LiveStack, FakeEasyPost]]:
    with FakeEasyPost(api_key=API_KEY) as fake:
        env = {
            "EASYPOST_API_BASE": fake.api_base,
            "EASYPOST_API_KEY": API_KEY,
            "EASYPOST_TIMEOUT": "2",
            "SHIPPING_RATE_RETRY_SECONDS": "0.3",
            "SHIPPING_RATE_RETRY_MAX_SECONDS": "1",
        }
        with running_live_stack(
            tmp_path_factory.mktemp("rating_stack"),
            extra_env=env,
            visibility_timeout=4,
            serve_web=False,
        ) as stack:
            yield stack, fake


@pytest.fixture
def stack(rating_stack: tuple[LiveStack, FakeEasyPost]) -> LiveStack:
    return rating_stack[0]


@pytest.fixture
def fake(rating_stack: tuple[LiveStack, FakeEasyPost]) -> Iterator[FakeEasyPost]:
    fake = rating_stack[1]
    fake.control({"reset": True})
    yield fake
    fake.control({"reset": True})


def schema_of(stack: LiveStack) -> str:
    rows = stack.sql("SELECT schema_name FROM tenants_tenant WHERE slug = 'demo'")
    return str(rows[0][0])


def make_shipment(stack: LiveStack, reference: str) -> int:
    code = MAKE_SHIPMENT.format(schema=schema_of(stack), reference=reference)
    output = stack.manage("shell", "-c", code)
    return int(output.split("SHIPMENT", 1)[1].split()[0])


def shipment_row(stack: LiveStack, pk: int) -> dict[str, Any]:
    schema = schema_of(stack)
    columns = (
        "status",
        "easypost_id",
        "tracking_code",
        "attempts",
        "label_pdf",
        "carrier",
        "attention_message",
        "rate_messages",
    )
    rows = stack.sql(
        f'SELECT {", ".join(columns)} FROM "{schema}".shipping_shipment WHERE id = %s',
        [pk],
    )
    return dict(zip(columns, rows[0], strict=True))


def wait_until(stack: LiveStack, what: str, ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {WAIT_SECONDS:.0f} s for {what}\n{stack.log_tails(60)}")
        time.sleep(0.2)


def wait_for_status(stack: LiveStack, pk: int, status: str) -> dict[str, Any]:
    wait_until(
        stack, f"shipment {pk} {status}", lambda: shipment_row(stack, pk)["status"] == status
    )
    return shipment_row(stack, pk)


def test_happy_path_the_worker_buys_and_stores_the_label(
    stack: LiveStack, fake: FakeEasyPost
) -> None:
    pk = make_shipment(stack, "E2E-HAPPY")
    row = wait_for_status(stack, pk, "label_purchased")
    assert fake.counters()["purchases"] == {row["easypost_id"]: 1}
    assert row["attempts"] == 1
    assert row["carrier"] == "USPS"
    wait_until(stack, "the label files", lambda: shipment_row(stack, pk)["label_pdf"] is not None)
    pdf = bytes(shipment_row(stack, pk)["label_pdf"])
    assert row["tracking_code"] in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    # The carrier accounts the request named are the tenant's.
    sent = fake.state.shipments[row["easypost_id"]]
    assert {r["carrier_account_id"] for r in sent["rates"]} == set(FAKE_ACCOUNTS)


def test_rate_limited_twice_then_bought_through_broker_retries(
    stack: LiveStack, fake: FakeEasyPost
) -> None:
    fake.control({"faults": [{"status": 429, "times": 2}]})
    pk = make_shipment(stack, "E2E-429")
    row = wait_for_status(stack, pk, "label_purchased")
    # Two retries went back through Redis (with the tenant's schema header) and ran again.
    assert row["attempts"] == 3
    counters = fake.counters()
    assert counters["requests"]["POST /shipments"] == 3
    assert counters["purchases"] == {row["easypost_id"]: 1}


def test_worker_killed_after_buying_the_next_worker_records_the_purchase(
    stack: LiveStack, fake: FakeEasyPost
) -> None:
    # The fake buys, then holds its answer: the worker is killed while it waits.
    fake.control({"faults": [{"delay": 60, "after": True, "path": "/buy"}]})
    pk = make_shipment(stack, "E2E-KILL")
    wait_until(stack, "the fake to sell the label", lambda: bool(fake.counters()["purchases"]))
    stack.kill_worker("worker")
    row = shipment_row(stack, pk)
    assert row["status"] == "rated"  # bought at EasyPost, not yet recorded here
    assert row["tracking_code"] == ""

    stack.start_worker("worker-after-kill")
    row = wait_for_status(stack, pk, "label_purchased")
    counters = fake.counters()
    assert counters["buy_attempts"] == {row["easypost_id"]: 1}
    assert counters["purchases"] == {row["easypost_id"]: 1}
    assert row["attempts"] == 2  # the redelivered task ran once more and bought nothing
    assert row["tracking_code"] == fake.state.shipments[row["easypost_id"]]["tracking_code"]
    print(json.dumps(counters["requests"]))


@contextmanager
def prefork_worker(stack: LiveStack) -> Iterator[subprocess.Popen[bytes]]:
    """The stack's worker as production runs it: prefork, the task in a pool (child) process.
    Its visibility timeout is an hour, so within a test's wait only Celery's own requeue of a
    lost task can bring a message back, not Redis. The solo worker comes back afterwards."""
    for name in stack.running_workers():
        stack.kill_worker(name)
    options = {**stack.broker_transport_options, "visibility_timeout": 3600}
    env = {"FV_E2E_BROKER_TRANSPORT_OPTIONS": json.dumps(options)}
    worker = stack.start_worker("worker-prefork", pool="prefork", env=env)
    try:
        yield worker
    finally:
        stack.kill_worker("worker-prefork")
        stack.start_worker("worker")


def pool_process(worker: subprocess.Popen[bytes]) -> psutil.Process:
    children = psutil.Process(worker.pid).children()
    assert len(children) == 1, children
    return children[0]


def test_pool_process_killed_after_buying_the_redelivered_run_records_the_purchase(
    stack: LiveStack, fake: FakeEasyPost
) -> None:
    with prefork_worker(stack) as worker:
        # The fake buys, then holds its answer: the pool process is killed while it waits.
        fake.control({"faults": [{"delay": 60, "after": True, "path": "/buy"}]})
        pk = make_shipment(stack, "E2E-POOL-KILL")
        wait_until(stack, "the fake to sell the label", lambda: bool(fake.counters()["purchases"]))
        child = pool_process(worker)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        row = shipment_row(stack, pk)
        assert (row["status"], row["tracking_code"]) == ("rated", "")

        # The worker itself lives on, requeues the message and runs it in a new pool process.
        row = wait_for_status(stack, pk, "label_purchased")
        assert worker.poll() is None
        counters = fake.counters()
        assert counters["buy_attempts"] == {row["easypost_id"]: 1}
        assert counters["purchases"] == {row["easypost_id"]: 1}
        assert row["attempts"] == 2  # the redelivered run bought nothing
        assert row["tracking_code"] == fake.state.shipments[row["easypost_id"]]["tracking_code"]
        wait_until(
            stack, "the label files", lambda: shipment_row(stack, pk)["label_pdf"] is not None
        )


def test_a_timeout_is_retried_and_the_label_bought_once(
    stack: LiveStack, fake: FakeEasyPost
) -> None:
    # The first create answers after the client's 2-second timeout; the retry goes through.
    fake.control({"faults": [{"delay": 3.0, "path": "/shipments", "times": 1}]})
    pk = make_shipment(stack, "E2E-TIMEOUT")
    row = wait_for_status(stack, pk, "label_purchased")
    assert row["attempts"] >= 2
    assert fake.counters()["purchases"] == {row["easypost_id"]: 1}


def test_an_invalid_address_needs_attention_with_easyposts_message(
    stack: LiveStack, fake: FakeEasyPost
) -> None:
    fake.control({"invalid_address": True})
    pk = make_shipment(stack, "E2E-ADDRESS")
    row = wait_for_status(stack, pk, "needs_attention")
    assert "Unable to verify address" in row["attention_message"]
    assert fake.counters()["purchases"] == {}


def test_a_carrier_rate_error_is_kept_and_another_carrier_is_bought(
    stack: LiveStack, fake: FakeEasyPost
) -> None:
    fake.control({"rate_errors": {"USPS": "USPS is not answering"}})
    pk = make_shipment(stack, "E2E-RATE-ERROR")
    row = wait_for_status(stack, pk, "label_purchased")
    assert row["carrier"] != "USPS"
    assert "USPS is not answering" in json.dumps(row["rate_messages"])
    assert fake.counters()["purchases"] == {row["easypost_id"]: 1}


def test_no_rate_at_all_needs_attention_and_buys_nothing(
    stack: LiveStack, fake: FakeEasyPost
) -> None:
    fake.control({"no_rates": True})
    pk = make_shipment(stack, "E2E-NO-RATES")
    row = wait_for_status(stack, pk, "needs_attention")
    assert row["attention_message"]
    assert fake.counters()["purchases"] == {}
