"""The live stack: the app served by real processes (runserver and a Celery worker) on a database
of its own, for tests that cross a process boundary (a browser, a worker).

Why not pytest-django's live_server: it needs a transactional test database, whose flush wipes the
tenant registry (docs/architecture.md, "Tests"). Here the stack gets `fve2e_<run>` on the tests'
PostgreSQL server, built by the same commands a developer runs (setup_platform, seed_demo), and
Redis DB 12 with a queue of its own, so concurrent runs never take each other's tasks."""

from __future__ import annotations

import ctypes
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis
import requests
from celery import Celery
from psycopg import sql

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CELERY = str(Path(PYTHON).parent / "celery")

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fluxvantage"
REDIS_URL = "redis://127.0.0.1:6379/12"
SETTINGS_MODULE = "tests.e2e.live_settings"
DEMO_SLUG = "demo"
DEMO_PASSWORD = "demo-pass-123"
# Long enough that a scanner's three codes (typed in about 0.1 s) queue behind the first request.
SCAN_DELAY_MS = 400
STARTUP_TIMEOUT_SECONDS = 60.0
PR_SET_PDEATHSIG = 1  # <sys/prctl.h>
# Settings the children must not inherit from the developer's shell: Celery reads the broker and
# backend URLs from the environment before any settings module.
INHERITED_ENV_TO_DROP = (
    "CELERY_BROKER_URL",
    "CELERY_BROKER_READ_URL",
    "CELERY_BROKER_WRITE_URL",
    "CELERY_EAGER",
    "ALLOWED_HOSTS",
    "DJANGO_SETTINGS_MODULE",
)


class LiveStackError(RuntimeError):
    """The stack could not start; the message carries the tails of the children's logs."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with(parent_pid: int) -> Callable[[], None]:
    """For Popen's preexec_fn: the child gets SIGTERM when the test process dies without running
    teardown (SIGKILL, a crash), so no server or worker outlives it (Linux PR_SET_PDEATHSIG)."""

    def arrange() -> None:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent_pid:  # the parent died before prctl took effect
            os._exit(1)

    return arrange


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@dataclass
class LiveStack:
    """Handles on the running stack: URLs for a browser, and manage.py and SQL on its database."""

    run_id: str
    port: int
    server_url: str  # the PostgreSQL server, any database on it
    log_dir: Path
    redis_url: str = REDIS_URL
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    stopped: set[str] = field(default_factory=set)  # children a test ended on purpose
    # Extra environment for every child (e.g. the fake EasyPost's base and key).
    extra_env: dict[str, str] = field(default_factory=dict)
    # Seconds before Redis hands an unacknowledged task to another worker (None: kombu's hour).
    # A short one also puts the run's broker keys under their own prefix: kombu's unacked
    # sweep is per Redis DB, and must never hand back another run's task.
    visibility_timeout: float | None = None
    serve_web: bool = True

    @property
    def database_name(self) -> str:
        return f"fve2e_{self.run_id}"

    @property
    def database_url(self) -> str:
        return _with_database(self.server_url, self.database_name)

    @property
    def queue(self) -> str:
        return f"fve2e_{self.run_id}"

    @property
    def worker_name(self) -> str:
        return f"fve2e-{self.run_id}@localhost"

    @property
    def broker_transport_options(self) -> dict[str, Any]:
        if self.visibility_timeout is None:
            return {}
        return {
            "visibility_timeout": self.visibility_timeout,
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
            "global_keyprefix": f"{self.queue}:",
        }

    @property
    def public_url(self) -> str:
        return f"http://localhost:{self.port}"

    @property
    def base_url(self) -> str:
        """The demo tenant's site."""
        return self.tenant_url(DEMO_SLUG)

    def tenant_url(self, slug: str) -> str:
        # Chromium resolves *.localhost to loopback by itself; Python does not (see `get`).
        return f"http://{slug}.localhost:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in INHERITED_ENV_TO_DROP}
        env.update(
            DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            CELERY_RESULT_BACKEND=self.redis_url,
            FV_E2E_QUEUE=self.queue,
            FV_E2E_SCAN_DELAY_MS=str(SCAN_DELAY_MS),
            BASE_DOMAIN="localhost",
            # Pooled as in production: the web server's connections stay bounded on a shared
            # PostgreSQL, and every browser test runs through the pool with tenants switching.
            DB_POOL="1",
            DB_POOL_MAX_SIZE="4",
            PYTHONPATH=str(REPO),
            PYTHONUNBUFFERED="1",
        )
        if self.broker_transport_options:
            env["FV_E2E_BROKER_TRANSPORT_OPTIONS"] = json.dumps(self.broker_transport_options)
        env.update(self.extra_env)
        return env

    def manage(self, *args: str, timeout: float = 120) -> str:
        """Runs manage.py against the live database; returns its output, raises on failure."""
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise LiveStackError(
                f"manage.py {' '.join(args)} exited {result.returncode}:\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        return result.stdout

    def sql(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Runs one statement on the live database (autocommit); returns its rows, if any."""
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def get(self, host: str, path: str = "/", **kwargs: Any) -> requests.Response:
        """An HTTP GET to `host` (e.g. "demo.localhost") on the live server, by Host header."""
        return requests.get(
            f"http://127.0.0.1:{self.port}{path}",
            headers={"Host": f"{host}:{self.port}"},
            timeout=kwargs.pop("timeout", 5),
            **kwargs,
        )

    @contextmanager
    def celery_client(self) -> Iterator[Celery]:
        """A Celery app of the project's (tenant-aware) class, sending to this stack's worker.

        A separate app, not wms.celery.app reconfigured: under test settings that app runs tasks
        eagerly and caches its broker pool and result backend on first use."""
        from wms.celery import app as project_app

        client: Celery = type(project_app)(
            f"fve2e-client-{self.run_id}",
            broker=self.redis_url,
            backend=self.redis_url,
            set_as_current=False,
        )
        client.conf.update(
            task_default_queue=self.queue,
            task_always_eager=False,
            broker_transport_options=self.broker_transport_options,
        )
        try:
            yield client
        finally:
            client.close()

    @contextmanager
    def worker_paused(self) -> Iterator[None]:
        """Holds the worker off the run's queue, so a test can see work wait in the queue; tasks
        sent meanwhile run once the block ends."""
        with self.celery_client() as client:
            client.control.cancel_consumer(self.queue, destination=[self.worker_name], reply=True)
            try:
                yield
            finally:
                client.control.add_consumer(self.queue, destination=[self.worker_name], reply=True)

    def log_tails(self, lines: int = 40) -> str:
        chunks = []
        for path in sorted(self.log_dir.glob("*.log")):
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            chunks.append(f"----- {path} (last {lines} lines) -----\n" + "\n".join(tail))
        return "\n".join(chunks)

    # Lifecycle -----------------------------------------------------------------------------

    def spawn(
        self, name: str, argv: Sequence[str], env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        """Starts a child in its own process group (so teardown can stop all it forks), its
        stdout and stderr in <log_dir>/<name>.log; `env` adds to the stack's environment."""
        with (self.log_dir / f"{name}.log").open("w") as log:
            process = subprocess.Popen(
                argv,
                cwd=REPO,
                env={**self.env, **(env or {})},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with(os.getpid()),
            )
        self.processes[name] = process
        return process

    def start(self) -> None:
        self._create_database()
        self.manage("setup_platform", "--verbosity", "0")
        # seed_demo, the web server and the worker start together: neither server needs the demo
        # tenant to boot, and the three Python start-ups overlap.
        seed = self.spawn("seed_demo", [PYTHON, "manage.py", "seed_demo"])
        if self.serve_web:
            self.spawn(
                "web", [PYTHON, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"]
            )
        self.start_worker(wait=False)
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        self._wait(deadline, "seed_demo to finish", lambda: seed.poll() is not None)
        if seed.returncode != 0:
            raise LiveStackError(f"seed_demo exited {seed.returncode}")
        if self.serve_web:
            self._wait(deadline, "the web server to answer", self._web_is_up)
        self.wait_for_worker(deadline)

    def start_worker(
        self,
        name: str = "worker",
        *,
        wait: bool = True,
        pool: str = "solo",
        env: dict[str, str] | None = None,
    ) -> subprocess.Popen[bytes]:
        """Starts the run's worker (again, after a test killed it), under the same node name.
        `pool="prefork"` runs tasks in one child process, as production does."""
        self.stopped.discard(name)
        concurrency = ["-c", "1"] if pool == "prefork" else []
        process = self.spawn(
            name,
            [
                CELERY, "-A", "wms", "worker", "-P", pool, *concurrency, "-l", "info",
                "-n", self.worker_name, "-Q", self.queue,
                "--without-mingle", "--without-gossip", "--without-heartbeat",
            ],
            env=env,
        )  # fmt: skip
        if wait:
            self.wait_for_worker(time.monotonic() + STARTUP_TIMEOUT_SECONDS)
        return process

    def running_workers(self) -> list[str]:
        """The names of the worker children still running (not stopped by a test)."""
        return [
            name
            for name, process in self.processes.items()
            if name.startswith("worker") and name not in self.stopped and process.poll() is None
        ]

    def kill_worker(self, name: str = "worker") -> None:
        """SIGKILL to the worker's process group: no warm shutdown, its task stays unacked."""
        process = self.processes[name]
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        self.stopped.add(name)

    def wait_for_worker(self, deadline: float) -> None:
        with self.celery_client() as client:
            self._wait(
                deadline,
                "the worker to answer a ping",
                lambda: bool(client.control.ping([self.worker_name], timeout=0.3)),
            )

    def stop(self) -> None:
        for process in self.processes.values():
            _stop_group(process)
        self._drop_database()
        # The run's queue and its binding; task results expire by themselves (live_settings).
        with redis.Redis.from_url(self.redis_url) as client:
            client.delete(
                self.queue,
                f"_kombu.binding.{self.queue}",
                f"_kombu.binding_permanent.{self.queue}",
            )
            if self.broker_transport_options:
                prefixed = list(client.scan_iter(match=f"{self.queue}:*"))
                if prefixed:
                    client.delete(*prefixed)

    def _wait(self, deadline: float, what: str, ready: Callable[[], bool]) -> None:
        while not ready():
            for name, process in self.processes.items():
                if name != "seed_demo" and name not in self.stopped and process.poll() is not None:
                    raise LiveStackError(f"{name} exited {process.returncode} waiting for {what}")
            if time.monotonic() > deadline:
                raise LiveStackError(f"waited {STARTUP_TIMEOUT_SECONDS:.0f} s in vain for {what}")
            time.sleep(0.1)

    def _web_is_up(self) -> bool:
        try:
            return self.get("localhost", "/", timeout=1).status_code == 200
        except requests.ConnectionError:
            return False

    def _admin_connection(self) -> psycopg.Connection[Any]:
        return psycopg.connect(_with_database(self.server_url, "postgres"), autocommit=True)

    def _create_database(self) -> None:
        with self._admin_connection() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database_name)))

    def _drop_database(self) -> None:
        with self._admin_connection() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(self.database_name)
                )
            )


def _stop_group(process: subprocess.Popen[bytes], grace_seconds: float = 10) -> None:
    """SIGTERM to the child's whole process group, SIGKILL after the grace period."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=grace_seconds)
        except subprocess.TimeoutExpired:
            continue
        # The leader is gone; anything it forked into the group goes too.
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        return


@contextmanager
def running_live_stack(log_dir: Path, **options: Any) -> Iterator[LiveStack]:
    """Creates the database, starts the processes, yields the stack; always stops the processes
    and drops the database. A failed start raises LiveStackError with the logs' tails. `options`
    are LiveStack fields (extra_env, visibility_timeout, serve_web)."""
    stack = LiveStack(
        run_id=f"{os.getpid()}_{secrets.token_hex(3)}",
        port=free_port(),
        server_url=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        log_dir=log_dir,
        **options,
    )
    try:
        try:
            stack.start()
        except Exception as exc:
            raise LiveStackError(f"{exc}\n{stack.log_tails()}") from exc
        yield stack
    finally:
        stack.stop()
