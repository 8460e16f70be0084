"""A gunicorn serving production settings on the test database (committed rows only: the session
tenants and their owners), for tests of connection pooling and of running out of connections."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from django.db import connection

from tests.live import free_port

REPO = Path(__file__).resolve().parent.parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def database_url_of(user: str | None = None) -> str:
    settings = connection.settings_dict
    return (
        f"postgres://{user or settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


class Server:
    def __init__(self, port: int) -> None:
        self.port = port

    def get(self, host: str, path: str, **kwargs: Any) -> requests.Response:
        # X-Forwarded-Proto stands in for the TLS proxy, as in the compose healthcheck.
        return requests.get(
            f"http://127.0.0.1:{self.port}{path}",
            headers={"Host": host, "X-Forwarded-Proto": "https", **kwargs.pop("headers", {})},
            timeout=kwargs.pop("timeout", 20),
            **kwargs,
        )


@pytest.fixture
def serve(django_db_setup: None, tmp_path: Path) -> Callable[..., Any]:
    """`with serve(DB_POOL_MAX_SIZE="1", ...) as server:` starts gunicorn (one process, four
    threads) with those environment variables and stops it after the block."""

    @contextmanager
    def start(**env: str) -> Iterator[Server]:
        port = free_port()
        log = tmp_path / f"gunicorn-{port}.log"
        environ = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.db.pool_settings",
            "DATABASE_URL": database_url_of(),
            "SECRET_KEY": "tests-only-" + "x" * 50,
            "BASE_DOMAIN": "localhost",
            "PYTHONPATH": str(REPO),
            **env,
        }
        with log.open("w") as out:
            process = subprocess.Popen(
                [GUNICORN, "wms.wsgi:application", "--bind", f"127.0.0.1:{port}",
                 "--workers", "1", "--worker-class", "gthread", "--threads", "4"],
                cwd=REPO, env=environ, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        server = Server(port)
        try:
            deadline = time.monotonic() + 30
            while True:
                assert process.poll() is None, log.read_text()
                try:
                    server.get("localhost", "/", timeout=2)
                    break
                except requests.ConnectionError:
                    assert time.monotonic() < deadline, log.read_text()
                    time.sleep(0.1)
            yield server
        finally:
            process.terminate()
            process.wait(timeout=15)

    return start
