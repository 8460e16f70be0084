"""A real Tryton 8.2 on loopback for the ERP-sync tests (and by hand); never imported by the
product.

    python -m devtools.tryton prepare      # build (or reuse) the virtualenv and the golden database
    python -m devtools.tryton serve        # prepare, then serve fresh copies until Ctrl-C

Everything lives under .data/tryton/ (FV_DATA_DIR moves .data), keyed by a hash of
requirements-erp.txt and devtools/tryton_bootstrap.py:
  - venv-<key>/: a virtualenv of its own with the pinned trytond, modules and proteus
    (about 10 s from the package index, once);
  - golden-<key>-<year>.sqlite: `trytond-admin` initialised with stock, purchase, sale,
    account_invoice and account_invoice_stock, then bootstrapped (company, chart of accounts,
    fiscal years, payment term, categories, 3PL service products) by tryton_bootstrap.py, with
    what it made in the .json beside it (about 25 s, once a year per key);
  - each server gets copies of the golden file (one per database name, 0.1 s) in a temporary
    directory, and `trytond -d <every database>` on a free loopback port: databases not named in
    -d fail their first login on 8.2.1 (KeyError 'res.user': the login finds an empty pool entry
    and never initialises it, and the database stays broken in that process), so all are preloaded.
A file lock serialises two test runs building the same key; a half-built venv (no marker) is
rebuilt."""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
REQUIREMENTS = REPO_DIR / "requirements-erp.txt"
BOOTSTRAP = Path(__file__).resolve().parent / "tryton_bootstrap.py"
MODULES = ("stock", "purchase", "sale", "account_invoice", "account_invoice_stock")
ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = "admin-secret"
STARTUP_TIMEOUT = 60.0
PR_SET_PDEATHSIG = 1


class TrytonError(RuntimeError):
    """Tryton could not be installed, initialised or started; the message says where and why."""


def say(message: str) -> None:
    print(f"[tryton] {message}", file=sys.stderr, flush=True)


def data_dir() -> Path:
    return Path(os.environ.get("FV_DATA_DIR") or REPO_DIR / ".data") / "tryton"


def cache_key() -> str:
    """Changes whenever the pinned packages or the bootstrap change (or the interpreter)."""
    digest = hashlib.sha256()
    digest.update(REQUIREMENTS.read_bytes())
    digest.update(BOOTSTRAP.read_bytes())
    digest.update(f"{sys.version_info.major}.{sys.version_info.minor}".encode())
    return digest.hexdigest()[:16]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run(argv: Sequence[str], what: str, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(  # noqa: S603 (our own interpreter and scripts)
        list(argv), capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False, env=env
    )
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-25:])
        raise TrytonError(f"{what} failed (exit {result.returncode}):\n{tail}")


@dataclass
class Timings:
    """Seconds spent per phase in this process (0 where a cached result was reused)."""

    venv: float = 0.0
    init: float = 0.0
    bootstrap: float = 0.0
    copy: float = 0.0
    start: float = 0.0

    def line(self) -> str:
        return (
            f"venv {self.venv:.1f} s, database init {self.init:.1f} s, bootstrap "
            f"{self.bootstrap:.1f} s, copies {self.copy:.2f} s, server start {self.start:.1f} s"
        )


@dataclass(frozen=True)
class Prepared:
    venv: Path
    golden: Path
    facts: dict[str, object]

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"


def ensure_venv(timings: Timings) -> Path:
    """The virtualenv with the pinned Tryton, built once per key."""
    venv = data_dir() / f"venv-{cache_key()}"
    marker = venv / ".complete"
    if marker.exists():
        return venv
    started = time.monotonic()
    with _locked(data_dir() / "venv.lock"):
        if marker.exists():
            return venv
        shutil.rmtree(venv, ignore_errors=True)
        say(f"installing Tryton into {venv} (requirements-erp.txt)")
        _run([sys.executable, "-m", "venv", str(venv)], "creating Tryton's virtualenv")
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-cache-dir"]
        _run([*pip, "-r", str(REQUIREMENTS)], "pip install -r requirements-erp.txt")
        marker.write_text(cache_key())
    timings.venv = time.monotonic() - started
    return venv


def _config(directory: Path, port: int | None = None) -> Path:
    conf = directory / "trytond.conf"
    lines = ["[database]", "uri = sqlite://", f"path = {directory}"]
    if port is not None:
        lines += ["[web]", f"listen = 127.0.0.1:{port}"]
    # The worker-less queue runs a purchase's `process` in the confirming request (so moves and
    # shipments exist when the RPC returns); a small session timeout is not wanted in tests.
    lines += ["[session]", "timeout = 86400", ""]
    conf.write_text("\n".join(lines))
    return conf


def ensure_golden(venv: Path, timings: Timings) -> Prepared:
    """The initialised and bootstrapped database file (and its facts), built once per key and
    year: the bootstrap opens fiscal years around the current one."""
    stem = f"golden-{cache_key()}-{time.gmtime().tm_year}"
    golden = data_dir() / f"{stem}.sqlite"
    facts_path = data_dir() / f"{stem}.json"
    if not (golden.exists() and facts_path.exists()):
        with _locked(data_dir() / "golden.lock"):
            if not (golden.exists() and facts_path.exists()):
                _build_golden(venv, golden, facts_path, timings)
    return Prepared(venv=venv, golden=golden, facts=json.loads(facts_path.read_text()))


def _build_golden(venv: Path, golden: Path, facts_path: Path, timings: Timings) -> None:
    say(f"initialising the golden Tryton database {golden.name}")
    with tempfile.TemporaryDirectory(prefix="tryton-golden-") as tmp:
        work = Path(tmp)
        conf = _config(work)
        (work / "wms.sqlite").touch()  # SQLite: the file must exist before trytond-admin
        passfile = work / "adminpass"
        passfile.write_text(ADMIN_PASSWORD + "\n")
        env = {**os.environ, "TRYTONPASSFILE": str(passfile)}
        started = time.monotonic()
        _run(
            [
                str(venv / "bin" / "python"),
                str(venv / "bin" / "trytond-admin"),
                "-c",
                str(conf),
                "-d",
                "wms",
                "-u",
                *MODULES,
                "--activate-dependencies",
                "--email",
                "admin@example.com",
            ],
            "trytond-admin (database init)",
            env=env,
        )
        timings.init = time.monotonic() - started
        started = time.monotonic()
        facts = work / "facts.json"
        _run(
            [str(venv / "bin" / "python"), str(BOOTSTRAP), str(conf), "wms", str(facts)],
            "tryton_bootstrap.py",
        )
        timings.bootstrap = time.monotonic() - started
        shutil.copyfile(work / "wms.sqlite", str(golden) + ".tmp")
        os.replace(str(golden) + ".tmp", golden)
        shutil.copyfile(facts, str(facts_path) + ".tmp")
        os.replace(str(facts_path) + ".tmp", facts_path)


def prepare(timings: Timings | None = None) -> Prepared:
    timings = timings or Timings()
    return ensure_golden(ensure_venv(timings), timings)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with(parent_pid: int):  # type: ignore[no-untyped-def]
    def arrange() -> None:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent_pid:
            os._exit(1)

    return arrange


@dataclass
class TrytonServer:
    """A running trytond serving fresh copies of the golden database under `databases`."""

    prepared: Prepared
    databases: tuple[str, ...]
    directory: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    timings: Timings = field(default_factory=Timings)
    spares: list[str] = field(default_factory=list)
    active: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def log_path(self) -> Path:
        return self.directory / "trytond.log"

    def copy_databases(self) -> None:
        started = time.monotonic()
        for name in self.databases:
            self._copy(name)
        self.timings.copy = time.monotonic() - started

    def _copy(self, name: str) -> None:
        target = self.directory / f"{name}.sqlite"
        target.unlink(missing_ok=True)
        # The backup API copies a consistent image even if the source were in use.
        with (
            contextlib.closing(sqlite3.connect(self.prepared.golden)) as source,
            contextlib.closing(sqlite3.connect(target)) as copy,
        ):
            source.backup(copy)

    def copy_spares(self, count: int) -> None:
        """Fresh copies of the golden database, not preloaded, handed out by `add_database`.
        They must exist before the server first lists its databases: Tryton caches that list
        for the session timeout, so a file copied in later is not found (404)."""
        started = time.monotonic()
        for n in range(1, count + 1):
            self._copy(f"spare{n}")
        self.spares = [f"spare{n}" for n in range(1, count + 1)]
        self.timings.copy += time.monotonic() - started

    def add_database(self) -> str:
        """A fresh database of its own for a test (about 0.6 s), so tests never see each other's
        documents: the next spare copy, warmed up. Tryton 8.2.1 breaks a database whose first
        request is a login when it was not preloaded with -d; any REST request first
        initialises its pool properly (it answers 401)."""
        if not self.spares:
            raise TrytonError("no spare Tryton database left: raise `spares` in running()")
        name = self.spares.pop(0)
        try:
            urllib.request.urlopen(f"{self.url}{name}/rest/model/party.party", timeout=60)  # noqa: S310
        except urllib.error.HTTPError as exc:
            if exc.code != 401:
                raise TrytonError(f"warming database {name} answered {exc.code}") from exc
        self.active = name  # a restart preloads it with -d (the others are never used again)
        return name

    def start(self) -> None:
        """Starts trytond (on the port it had, if restarted) and waits until it answers."""
        if self.process is not None and self.process.poll() is None:
            return
        started = time.monotonic()
        self.port = self.port or free_port()
        conf = _config(self.directory, self.port)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
            [
                str(self.prepared.python),
                str(self.prepared.venv / "bin" / "trytond"),
                "-c",
                str(conf),
                "-d",
                *self.databases,
                *([self.active] if self.active else []),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with(os.getpid()),
        )
        log.close()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise TrytonError(f"trytond exited at start:\n{self._log_tail()}")
            if self.answers():
                self.timings.start = time.monotonic() - started
                return
            time.sleep(0.1)
        self.stop()
        raise TrytonError(f"trytond did not answer within {STARTUP_TIMEOUT} s:\n{self._log_tail()}")

    def answers(self) -> bool:
        try:
            urllib.request.urlopen(self.url, timeout=1)  # noqa: S310 (loopback http)
        except urllib.error.HTTPError:
            return True  # 405 for GET /: the server is up
        except OSError:
            return False
        return True

    def stop(self) -> None:
        """Stops trytond (SIGTERM, then SIGKILL after 10 s); the databases stay for a restart."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-30:])
        except OSError:
            return "(no log)"


@contextlib.contextmanager
def running(databases: Sequence[str] = ("wms",), *, spares: int = 0) -> Iterator[TrytonServer]:
    """Prepares (cached), copies the golden database once per name (and `spares` more for
    `add_database`), serves, and stops on exit."""
    timings = Timings()
    prepared = prepare(timings)
    with tempfile.TemporaryDirectory(prefix="tryton-run-") as tmp:
        server = TrytonServer(prepared, tuple(databases), Path(tmp), timings=timings)
        server.copy_databases()
        server.copy_spares(spares)
        try:
            server.start()
            say(f"serving {', '.join(databases)} at {server.url} ({timings.line()})")
            yield server
        finally:
            server.stop()


def main(argv: Sequence[str]) -> int:
    command = argv[0] if argv else ""
    if command == "prepare":
        timings = Timings()
        prepared = prepare(timings)
        say(f"ready: {prepared.golden} ({timings.line()})")
        return 0
    if command == "serve":
        with running(argv[1:] or ("wms",)) as server:
            say(f"login {ADMIN_LOGIN} / {ADMIN_PASSWORD}; Ctrl-C stops")
            with contextlib.suppress(KeyboardInterrupt):
                while server.process is not None and server.process.poll() is None:
                    time.sleep(1)
        return 0
    print("usage: python -m devtools.tryton prepare | serve [database…]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
