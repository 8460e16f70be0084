"""The developer stack behind `make run`, `make test` and `make bench`.

    python -m devtools.devstack run            # migrate, seed the demo tenant, serve on :8000
    python -m devtools.devstack test [ARGS]    # the suite; ARGS go to pytest
    python -m devtools.devstack bench          # python -m tests.bench

It finds PostgreSQL and Redis (or starts private ones under .data/), then runs Django in child
processes with DATABASE_URL / REDIS_URL set. It never imports Django itself: the settings read
those variables when they load, so they must be decided first, in this process.

Database, first that works:
  a. DATABASE_URL from the environment;
  b. PostgreSQL answering at 127.0.0.1:5432 (env FV_PG_PROBE=host:port moves the probe);
  c. a private cluster in .data/pg, from PostgreSQL binaries on PATH or in
     /usr/lib/postgresql/*/bin (env FV_NO_PG_BINARIES=1 skips this step);
  d. the embedded `pgserver` package (PostgreSQL 16, unix socket only) in .data/pgserver.
Redis: REDIS_URL, which must answer PING (a REDIS_URL that does not is an error, never trusted),
else 127.0.0.1:6379 if it answers (env FV_REDIS_PROBE=host:port moves the probe); `test` and
`bench` start a private redis-server when none answers, `run` falls back to eager Celery.
Everything this process starts, it stops on exit, Ctrl-C and SIGTERM included.
Env FV_DB_NAME names the database (default `fluxvantage`); FV_DATA_DIR moves .data.
`run` serves on HOST:PORT (default 127.0.0.1:8000, so nothing outside this machine reaches the
development server unless HOST says so, e.g. HOST=0.0.0.0).
Carriers (`run` only): EASYPOST_API_KEY without EASYPOST_API_BASE means the real EasyPost; an
EASYPOST_API_BASE is used as given; otherwise the fake EasyPost (devtools.easypost_fake) starts
on a free loopback port and the web and worker processes get its base and key.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from urllib.parse import quote, urlsplit, urlunsplit

REPO_DIR = Path(__file__).resolve().parent.parent
DEFAULT_PG_PROBE = "127.0.0.1:5432"
DEFAULT_REDIS_PROBE = "127.0.0.1:6379"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# Private servers prefer these ports (and take the next free one): far from the standard ones, so
# they never shadow a real server that starts later.
PRIVATE_PG_PORT = 54329
PRIVATE_REDIS_PORT = 63799
PRIVATE_EASYPOST_PORT = 18733
# The key the web and worker processes send to the fake, which accepts only it.
FAKE_EASYPOST_KEY = "EZTK_devstack_fake"
PG_SUPERUSER = "postgres"
# The demo tenant that `manage.py seed_demo` creates (tenants/management/commands/seed_demo.py and
# inventory/demo.py); repeated here only to print the banner.
DEMO_SLUG = "demo"
DEMO_LOGINS = ("admin@demo.test", "manager@demo.test", "operator@demo.test", "client@demo.test")
DEMO_PASSWORD = "demo-pass-123"
# What the browser and PDF tests call, and the Debian package that provides each.
TEST_SYSTEM_TOOLS = {
    "/usr/bin/chromium": "chromium",
    "pdftotext": "poppler-utils",
    "zbarimg": "zbar-tools",
}
STOP_TIMEOUT = 10.0


class DevstackError(Exception):
    """A problem the user must fix; main() prints it without a traceback."""


class Interrupted(Exception):
    """Raised in the main thread by SIGINT, SIGTERM or SIGHUP so that cleanup runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def say(message: str) -> None:
    """Prints a status line; never raises. Cleanup says what it stops before stopping it, and a
    closed terminal or pipe (Ctrl-C also ends a `| tee`) must not cut that cleanup short."""
    with contextlib.suppress(OSError, ValueError):
        print(f"[devstack] {message}", flush=True)


@dataclass(frozen=True)
class Config:
    """What the environment says: given URLs, where to probe, and where private servers keep
    their files. Read once, so discovery never looks at os.environ behind the caller's back."""

    database_url: str | None
    redis_url: str | None
    data_dir: Path
    pg_probe: tuple[str, int]
    redis_probe: tuple[str, int]
    db_name: str
    use_pg_binaries: bool
    easypost_api_key: str | None = None
    easypost_api_base: str | None = None
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT

    @classmethod
    def from_env(cls, environ: Mapping[str, str], data_dir: Path | None = None) -> Config:
        return cls(
            database_url=environ.get("DATABASE_URL") or None,
            redis_url=environ.get("REDIS_URL") or None,
            data_dir=data_dir or Path(environ.get("FV_DATA_DIR") or REPO_DIR / ".data"),
            pg_probe=parse_host_port(environ.get("FV_PG_PROBE") or DEFAULT_PG_PROBE),
            redis_probe=parse_host_port(environ.get("FV_REDIS_PROBE") or DEFAULT_REDIS_PROBE),
            db_name=environ.get("FV_DB_NAME") or "fluxvantage",
            use_pg_binaries=environ.get("FV_NO_PG_BINARIES", "") in {"", "0"},
            easypost_api_key=environ.get("EASYPOST_API_KEY") or None,
            easypost_api_base=environ.get("EASYPOST_API_BASE") or None,
            host=(environ.get("HOST") or DEFAULT_HOST).strip("[]"),
            port=parse_port(environ.get("PORT") or str(DEFAULT_PORT)),
        )


def parse_host_port(value: str) -> tuple[str, int]:
    """`host:port` (IPv6 as `[::1]:5432`) as a pair; DevstackError when malformed."""
    host, sep, port = value.strip().rpartition(":")
    if not sep or not host or not port.isdigit():
        raise DevstackError(f"expected host:port, got {value!r}")
    return host.strip("[]"), int(port)


def parse_port(value: str) -> int:
    """A TCP port number; DevstackError when it is not one."""
    if not value.strip().isdigit() or not 0 < int(value) < 65536:
        raise DevstackError(f"PORT must be a number from 1 to 65535, got {value!r}")
    return int(value)


# --- processes ---------------------------------------------------------------------------------


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] == "Z"


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes in process group `pgid`. Zombies are excluded because an
    orphaned child waits for init to reap it, and it holds nothing any more."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return []
        return [pgid]
    members = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        # After the command name: state, ppid, pgrp.
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def _die_with_parent() -> None:
    # Runs in the child between fork and exec. If devstack itself is SIGKILLed (no cleanup can
    # run), the kernel still sends the child SIGTERM. Linux only; elsewhere a no-op.
    with contextlib.suppress(Exception):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


class Child:
    """A child process in its own process group. The group means the terminal's Ctrl-C reaches
    only devstack, which then stops children in order, and that stop() reaches grandchildren
    (runserver's autoreloader child, Celery's pool processes)."""

    def __init__(
        self, name: str, argv: Sequence[str], env: Mapping[str, str], cwd: Path = REPO_DIR
    ) -> None:
        self.name = name
        self.popen = subprocess.Popen(  # noqa: S603 (argv built here, never from a shell string)
            list(argv),
            env=dict(env),
            cwd=cwd,
            process_group=0,
            preexec_fn=_die_with_parent,  # no threads here, so safe
        )
        self.pgid = self.popen.pid

    def poll(self) -> int | None:
        return self.popen.poll()

    def wait(self) -> int:
        return self.popen.wait()

    def send(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pgid, signum)

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Guarantees that no live process is left in the child's group: SIGTERM, a grace period
        for a clean shutdown, then SIGKILL."""
        if self.popen.poll() is None or group_members(self.pgid):
            self.send(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.popen.poll()
            if self.popen.returncode is not None and not group_members(self.pgid):
                return
            time.sleep(0.1)
        say(f"{self.name} did not stop within {timeout:.0f} s: killing it")
        self.send(signal.SIGKILL)
        self.popen.wait()
        deadline = time.monotonic() + 2
        while group_members(self.pgid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if left := group_members(self.pgid):
            say(f"warning: {self.name} left processes {left}")


def run_checked(argv: Sequence[str], what: str, **kwargs: object) -> None:
    """Runs a short command to completion; DevstackError with its output when it fails."""
    # Output goes to a file, not a pipe: pg_ctl start leaves a daemon behind, and a daemon that
    # inherited the pipe would keep it open, so reading it to the end would never finish.
    with tempfile.TemporaryFile(mode="w+") as output:
        result = subprocess.run(  # noqa: S603
            list(argv),
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
            **kwargs,  # type: ignore[call-overload]
        )
        if result.returncode != 0:
            output.seek(0)
            raise DevstackError(f"{what} failed (exit {result.returncode}):\n{output.read()}")


# --- probes ------------------------------------------------------------------------------------


def port_answers(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when something accepts a TCP connection at host:port within `timeout`."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def postgres_answers(conninfo: str, timeout: int = 3) -> str | None:
    """None when PostgreSQL accepts `conninfo`, else why not (one line)."""
    import psycopg

    try:
        with psycopg.connect(conninfo, connect_timeout=timeout, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None


def redis_answers(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when a Redis server at host:port answers PING without asking for a password."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def redis_url_answers(url: str, timeout: float = 2.0) -> str | None:
    """None when the Redis at `url` answers PING (password, TLS and database as the URL says),
    else why not (one line)."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}".strip()
    return None


def redact_url(url: str) -> str:
    """The URL with its password replaced, fit to print."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def port_is_free(host: str, port: int) -> bool:
    """True when a server could listen on host:port now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(preferred: int, host: str = "127.0.0.1") -> int:
    """`preferred` if nothing listens on it, else the next free one of the following 50, else any
    free port the kernel picks."""
    for port in [*range(preferred, preferred + 50), 0]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            # As the servers do: else a port our last run just closed (TIME_WAIT) looks taken.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise DevstackError("no free TCP port")  # pragma: no cover (port 0 always binds)


def ensure_database(admin_conninfo: str, name: str) -> bool:
    """Creates database `name` unless it exists; True when it was created."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_conninfo, connect_timeout=5, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.errors.DuplicateDatabase:
            return False  # a concurrent devstack won the race: same outcome
    return True


# --- database discovery ------------------------------------------------------------------------


def find_database(config: Config, stack: contextlib.ExitStack, *, create: bool) -> str:
    """A DATABASE_URL that answers, by the order in the module docstring. Servers it starts are
    stopped by `stack`. `create` also makes the database on a shared server (b); private servers
    always get it, as nobody else would create it there."""
    if config.database_url:
        say("database: DATABASE_URL from the environment")
        return config.database_url

    host, port = config.pg_probe
    where = f"{host}:{port}"
    if not port_answers(host, port):
        say(f"database: nothing answers at {where}")
    elif reason := postgres_answers(_tcp_url(host, port, "postgres")):
        say(f"database: {where} answers but refused {PG_SUPERUSER}: {reason}")
    else:
        if create and ensure_database(_tcp_url(host, port, "postgres"), config.db_name):
            say(f"database: created {config.db_name} on {where}")
        say(f"database: PostgreSQL at {where}, database {config.db_name}")
        return _tcp_url(host, port, config.db_name)

    if config.use_pg_binaries and (bindir := find_pg_bindir()):
        try:
            return start_private_cluster(config, stack, bindir)
        except DevstackError as exc:
            say(f"database: the private cluster did not start, trying pgserver next.\n{exc}")
    elif not config.use_pg_binaries:
        say("database: FV_NO_PG_BINARIES is set: not looking for PostgreSQL binaries")
    else:
        say("database: no PostgreSQL binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql")
    return start_pgserver(config, stack)


def _tcp_url(host: str, port: int, db_name: str) -> str:
    return f"postgres://{PG_SUPERUSER}@{_url_host(host)}:{port}/{db_name}"


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def find_pg_bindir() -> Path | None:
    """A directory holding initdb, pg_ctl and postgres: PATH first, then the newest
    /usr/lib/postgresql/<version>/bin."""
    candidates = []
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)
    versions = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(versions, key=lambda p: _version_key(p.parent.name), reverse=True)
    for bindir in candidates:
        if all(os.access(bindir / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return bindir
    return None


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _server_account() -> pwd.struct_passwd | None:
    """The account PostgreSQL runs as: None (ourselves) unless we are root, which initdb and
    postgres refuse; then `postgres` if it exists, else `nobody`."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise DevstackError("running as root and there is neither a postgres nor a nobody user")


def _as_account(account: pwd.struct_passwd | None) -> dict[str, object]:
    if account is None:
        return {}
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


@dataclass(frozen=True)
class Postmaster:
    pid: int
    port: int


def read_postmaster(pgdata: Path) -> Postmaster | None:
    """The running server of `pgdata`, from its postmaster.pid; None when none runs."""
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
        pid, port = int(lines[0]), int(lines[3] or 5432)
    except (OSError, IndexError, ValueError):
        return None
    return Postmaster(pid, port) if _pid_alive(pid) else None


class Ownership:
    """Which devstack process owns (and will stop) a private server. A second devstack sharing
    the same .data (make test while make run serves) must not stop the first one's server; a
    server whose owner died without cleanup (SIGKILL) is adopted, so it does not run forever."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def owner_alive(self) -> bool:
        try:
            pid = int(self.path.read_text().strip())
        except (OSError, ValueError):
            return False
        return pid != os.getpid() and _pid_alive(pid)

    def claim(self) -> None:
        self.path.write_text(f"{os.getpid()}\n")

    def release(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            if int(self.path.read_text().strip()) == os.getpid():
                self.path.unlink()


def start_private_cluster(config: Config, stack: contextlib.ExitStack, bindir: Path) -> str:
    """Initialises (once) and starts a cluster in <data>/pg, TCP on 127.0.0.1 only, socket in
    <data>/pg-run, and registers its stop with `stack`; returns the URL of the created db."""
    account = _server_account()
    pgdata, sockdir = config.data_dir / "pg", config.data_dir / "pg-run"
    config.data_dir.mkdir(parents=True, exist_ok=True)
    for path in (pgdata, sockdir):
        path.mkdir(mode=0o700, exist_ok=True)
        if account is not None:
            os.chown(path, account.pw_uid, account.pw_gid)
    as_account = _as_account(account)
    if not (pgdata / "PG_VERSION").exists():
        say(f"database: initdb {pgdata} ({bindir})")
        run_checked(
            [str(bindir / "initdb"), "-D", str(pgdata), "-U", PG_SUPERUSER, "--auth=trust",
             "--encoding=UTF8", "--no-instructions"],
            "initdb",
            cwd=config.data_dir,
            **as_account,
        )  # fmt: skip

    ownership = Ownership(config.data_dir / "pg.owner")
    running = read_postmaster(pgdata)
    if running and ownership.owner_alive():
        say(f"database: private cluster {pgdata} already served by another devstack, sharing it")
    else:
        if running:
            say(f"database: adopting private cluster {pgdata} left running by an earlier run")
        ownership.claim()
        # Registered before the start, so an interrupt during the start still stops it.
        stack.callback(_stop_private_cluster, bindir, pgdata, as_account, ownership)
    if running is None:
        port = free_port(PRIVATE_PG_PORT)
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {shlex.quote(str(sockdir))}"
        say(f"database: starting private PostgreSQL on 127.0.0.1:{port}")
        run_checked(
            [str(bindir / "pg_ctl"), "-D", str(pgdata), "-l", str(pgdata / "server.log"),
             "-o", options, "-w", "-t", "30", "start"],
            f"pg_ctl start (log: {pgdata / 'server.log'})",
            cwd=config.data_dir,
            stdin=subprocess.DEVNULL,
            **as_account,
        )  # fmt: skip
        running = read_postmaster(pgdata)
        if running is None:
            raise DevstackError(f"pg_ctl started no server; see {pgdata / 'server.log'}")
    if ensure_database(_tcp_url("127.0.0.1", running.port, "postgres"), config.db_name):
        say(f"database: created {config.db_name}")
    say(f"database: private cluster {pgdata} on 127.0.0.1:{running.port}, db {config.db_name}")
    return _tcp_url("127.0.0.1", running.port, config.db_name)


def _stop_private_cluster(
    bindir: Path, pgdata: Path, as_account: Mapping[str, object], ownership: Ownership
) -> None:
    running = read_postmaster(pgdata)
    if running is not None:
        say(f"stopping private PostgreSQL (pid {running.pid})")
        subprocess.run(  # noqa: S603
            [str(bindir / "pg_ctl"), "-D", str(pgdata), "-m", "fast", "-w", "-t", "20", "stop"],
            capture_output=True,
            check=False,
            cwd=pgdata.parent,
            **as_account,  # type: ignore[call-overload]
        )
        _kill_if_alive(running.pid, "private PostgreSQL")
    ownership.release()


def _kill_if_alive(pid: int, name: str) -> None:
    # pg_ctl stop failed or timed out: an immediate shutdown (SIGQUIT) still takes the children
    # with it, and leaves a cluster that recovers on its next start.
    if _pid_alive(pid):
        say(f"{name} still runs after stop: SIGQUIT")
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGQUIT)
        deadline = time.monotonic() + 5
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)


def start_pgserver(config: Config, stack: contextlib.ExitStack) -> str:
    """Starts the embedded PostgreSQL of the `pgserver` package in <data>/pgserver (unix socket
    only) and registers its stop with `stack`; returns the URL, HOST being the socket dir."""
    try:
        with warnings.catch_warnings():
            # platformdirs warns that XDG_RUNTIME_DIR is unset (normal under sudo or in CI).
            warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")
            import pgserver
    except ImportError as exc:
        raise DevstackError(
            "no PostgreSQL found: set DATABASE_URL, start PostgreSQL on 127.0.0.1:5432, install "
            "the Debian package postgresql, or install the locked requirements (pgserver)"
        ) from exc
    pgdata = config.data_dir / "pgserver"
    pgdata.mkdir(parents=True, exist_ok=True)
    ownership = Ownership(config.data_dir / "pgserver.owner")
    running = read_postmaster(pgdata)
    if running and ownership.owner_alive():
        say(f"database: pgserver {pgdata} already served by another devstack, sharing it")
    else:
        ownership.claim()
        stack.callback(_stop_pgserver, pgdata, ownership)
    say(f"database: embedded PostgreSQL (pgserver) in {pgdata}")
    # cleanup_mode=None: pgserver's own stop runs from atexit, which SIGTERM skips, and it would
    # stop a server another devstack shares; _stop_pgserver decides instead.
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    # Its atexit hook only drops our pid from its handle list; do that now, not at exit, where
    # it logs to streams pytest has already closed.
    stack.callback(atexit.unregister, server._cleanup)
    stack.callback(server.cleanup)
    socket_dir = server.get_postmaster_info().socket_dir
    if socket_dir is None:
        raise DevstackError(f"pgserver reports no unix socket; see {pgdata / 'log'}")
    host = quote(str(socket_dir), safe="")
    if ensure_database(f"postgresql://{PG_SUPERUSER}@{host}/postgres", config.db_name):
        say(f"database: created {config.db_name}")
    say(f"database: pgserver (PostgreSQL 16) on socket {socket_dir}, db {config.db_name}")
    return f"postgresql://{PG_SUPERUSER}@{host}/{config.db_name}"


def _stop_pgserver(pgdata: Path, ownership: Ownership) -> None:
    running = read_postmaster(pgdata)
    if running is not None:
        from pgserver._commands import POSTGRES_BIN_PATH

        say(f"stopping the embedded PostgreSQL (pid {running.pid})")
        # pgserver runs the server as its own `pgserver` account when we are root.
        user = "pgserver" if os.geteuid() == 0 else None
        subprocess.run(  # noqa: S603
            [
                str(POSTGRES_BIN_PATH / "pg_ctl"),
                "-D",
                str(pgdata),
                "-m",
                "fast",
                "-w",
                "-t",
                "20",
                "stop",
            ],
            capture_output=True,
            check=False,
            user=user,
            cwd=pgdata.parent,
        )
        _kill_if_alive(running.pid, "embedded PostgreSQL")
    ownership.release()


# --- Redis discovery ---------------------------------------------------------------------------


def find_redis(config: Config, stack: contextlib.ExitStack, *, start_private: bool) -> str | None:
    """A REDIS_URL that answers, or None when there is none and `start_private` is False. With
    `start_private`, a private redis-server is started (stopped by `stack`) or DevstackError says
    which Debian package to install."""
    if config.redis_url:
        # Checked, never trusted: with a dead broker the banner would promise workers, and every
        # task sent (a sign-up's provisioning) would wait in a queue nobody reads.
        shown = redact_url(config.redis_url)
        if reason := redis_url_answers(config.redis_url):
            raise DevstackError(
                f"REDIS_URL {shown} does not answer: {reason}\n"
                "Start that Redis, correct REDIS_URL, or unset it (then Redis at "
                f"{config.redis_probe[0]}:{config.redis_probe[1]} is used if it answers, else "
                + ("a private redis-server)." if start_private else "tasks run eagerly).")
            )
        say(f"redis: REDIS_URL from the environment ({shown}) answers")
        return config.redis_url
    host, port = config.redis_probe
    if redis_answers(host, port):
        say(f"redis: Redis at {host}:{port}")
        return f"redis://{_url_host(host)}:{port}/0"
    say(f"redis: nothing answers at {host}:{port}")
    if not start_private:
        return None
    binary = shutil.which("redis-server")
    if binary is None:
        raise DevstackError(
            "the tests need Redis: set REDIS_URL, start Redis on 127.0.0.1:6379, or install the "
            "Debian package redis-server (apt-get install redis-server)"
        )
    return start_private_redis(config, stack, binary)


def start_private_redis(config: Config, stack: contextlib.ExitStack, binary: str) -> str:
    """Starts redis-server on a free 127.0.0.1 port with no persistence, as a child of ours, and
    registers its stop with `stack`; returns its URL once it answers PING."""
    workdir = config.data_dir / "redis"
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port(PRIVATE_REDIS_PORT)
    argv = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly",
            "no", "--daemonize", "no", "--dir", str(workdir), "--logfile",
            str(workdir / "redis.log")]  # fmt: skip
    say(f"redis: starting private redis-server on 127.0.0.1:{port}")
    child = Child("private redis-server", argv, os.environ, cwd=workdir)
    stack.callback(_stop_child, child)
    deadline = time.monotonic() + 10
    while not redis_answers("127.0.0.1", port):
        if child.poll() is not None or time.monotonic() > deadline:
            raise DevstackError(f"redis-server did not start; see {workdir / 'redis.log'}")
        time.sleep(0.05)
    return f"redis://127.0.0.1:{port}/0"


def _stop_child(child: Child) -> None:
    if child.poll() is None or group_members(child.pgid):
        say(f"stopping {child.name}")
    child.stop()


# --- carriers ----------------------------------------------------------------------------------


def easypost_plan(config: Config) -> str:
    """ "real" (a key without a base: EasyPost itself), "given" (a base from the environment,
    used as it is) or "fake" (start devtools.easypost_fake on loopback)."""
    if config.easypost_api_base:
        return "given"
    return "real" if config.easypost_api_key else "fake"


def easypost_env(config: Config, stack: contextlib.ExitStack) -> dict[str, str]:
    """What the Django children need to reach a carrier API: nothing for "real" and "given" (they
    read the environment), the fake's base and key for "fake", whose stop `stack` registers."""
    plan = easypost_plan(config)
    if plan == "real":
        say("carriers: EASYPOST_API_KEY without EASYPOST_API_BASE: the real EasyPost API")
        return {}
    if plan == "given":
        say(f"carriers: EasyPost API at {config.easypost_api_base} (EASYPOST_API_BASE)")
        return {}
    port = free_port(PRIVATE_EASYPOST_PORT)
    argv = [sys.executable, "-m", "devtools.easypost_fake", "--port", str(port),
            "--api-key", FAKE_EASYPOST_KEY]  # fmt: skip
    child = Child("fake EasyPost", argv, os.environ)
    stack.callback(_stop_child, child)
    deadline = time.monotonic() + 10
    while not port_answers("127.0.0.1", port):
        if child.poll() is not None or time.monotonic() > deadline:
            raise DevstackError("the fake EasyPost server (devtools.easypost_fake) did not start")
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}/v2"
    say(f"carriers: fake EasyPost on {base} (labels are not real postage)")
    return {"EASYPOST_API_BASE": base, "EASYPOST_API_KEY": FAKE_EASYPOST_KEY}


# --- system packages ---------------------------------------------------------------------------


def missing_packages(tools: Mapping[str, str]) -> list[str]:
    """The Debian packages whose tool (an absolute path or a command on PATH) is absent."""
    return sorted(
        {
            package
            for tool, package in tools.items()
            if not (os.access(tool, os.X_OK) if tool.startswith("/") else shutil.which(tool))
        }
    )


def ensure_system_packages(tools: Mapping[str, str] = TEST_SYSTEM_TOOLS) -> None:
    """Returns only when every tool is present: installs the missing Debian packages when we are
    root and apt-get exists, else raises DevstackError naming them. Never skips tests silently."""
    missing = missing_packages(tools)
    if not missing:
        return
    names = " ".join(missing)
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise DevstackError(
            f"the browser and PDF tests need the Debian packages: {names}\n"
            f"install them with: sudo apt-get install --no-install-recommends {names}"
        )
    say(f"installing Debian packages the tests need: {names}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run_checked(["apt-get", "update", "-qq"], "apt-get update", env=env)
    run_checked(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
        f"apt-get install {names}",
        env=env,
    )
    if still_missing := missing_packages(tools):
        raise DevstackError(f"installed, yet still missing: {' '.join(still_missing)}")


# --- commands ----------------------------------------------------------------------------------


def django_env(settings: str, database_url: str, redis_url: str | None) -> dict[str, str]:
    """The environment of every Django child. DJANGO_SETTINGS_MODULE is set outright: importing
    the wms package (for `python -m devtools.devstack`) already setdefault-ed it to dev."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
    }
    if redis_url is None:
        env["CELERY_EAGER"] = "1"
        env.pop("REDIS_URL", None)
    else:
        env["REDIS_URL"] = redis_url
    return env


def wait_for(child: Child) -> int:
    """The child's exit code. On Ctrl-C / SIGTERM the signal goes on to the child's group and it
    gets a grace period (pytest prints its summary) before `stack` stops it."""
    try:
        return child.wait()
    except Interrupted as exc:
        child.send(exc.signum)
        with contextlib.suppress(subprocess.TimeoutExpired, Interrupted):
            child.popen.wait(timeout=STOP_TIMEOUT)
        raise


def manage(stack: contextlib.ExitStack, env: Mapping[str, str], *args: str) -> None:
    """Runs `manage.py ARGS` to completion; DevstackError when it fails."""
    child = Child(f"manage.py {args[0]}", [sys.executable, "manage.py", *args], env)
    stack.callback(_stop_child, child)
    if code := wait_for(child):
        raise DevstackError(f"manage.py {' '.join(args)} failed (exit {code})")


LOOPBACK_HOSTS = {"127.0.0.1", "::1", "localhost"}


def runserver_address(config: Config) -> str:
    """What `manage.py runserver` is given: HOST:PORT, an IPv6 host in brackets."""
    return f"{_url_host(config.host)}:{config.port}"


def debug_line(env: Mapping[str, str]) -> str:
    """What the banner says about Django's debug pages: off unless DEBUG asks for them."""
    if env.get("DEBUG", "").lower() in {"1", "true", "yes", "on"}:
        return "ON (DEBUG is set): tracebacks are shown in the browser"
    return "off: the app's own 404/403/500 pages (DEBUG=1 make run shows tracebacks)"


def command_run(config: Config, stack: contextlib.ExitStack, args: Sequence[str]) -> int:
    """Migrates, seeds the demo tenant, and serves until the web server exits or Ctrl-C."""
    database_url = find_database(config, stack, create=True)
    redis_url = find_redis(config, stack, start_private=False)
    env = django_env("wms.settings.dev", database_url, redis_url)
    # Started before the Django children, so the stack stops it after them.
    env.update(easypost_env(config, stack))
    port = config.port
    if not port_is_free(config.host, port):
        raise DevstackError(
            f"port {port} on {config.host} is taken (another `make run`, or another server). "
            f"Stop it, or serve elsewhere: PORT={port + 1} make run"
        )
    manage(stack, env, "setup_platform")
    manage(stack, env, "seed_demo")

    python = sys.executable
    workers: list[Child] = []
    if redis_url is not None:
        schedule = config.data_dir / "celerybeat-schedule"
        config.data_dir.mkdir(parents=True, exist_ok=True)
        # Stopped in reverse: web, beat, worker, then the servers found above.
        for name, argv in [
            ("celery worker", [python, "-m", "celery", "-A", "wms", "worker", "-l", "info",
                               "-c", "2"]),
            ("celery beat", [python, "-m", "celery", "-A", "wms", "beat", "-l", "info",
                             "--schedule", str(schedule)]),
        ]:  # fmt: skip
            workers.append(Child(name, argv, env))
            stack.callback(_stop_child, workers[-1])
        tasks = f"Celery worker and beat on {redis_url}"
    else:
        tasks = "NO REDIS: Celery tasks run eagerly inside the web process (CELERY_EAGER=1)"
    web = Child("runserver", [python, "manage.py", "runserver", runserver_address(config)], env)
    stack.callback(_stop_child, web)
    say(
        "serving:\n"
        f"  Demo tenant:  http://{DEMO_SLUG}.localhost:{port}/\n"
        f"                logins {', '.join(DEMO_LOGINS)}\n"
        f"                password {DEMO_PASSWORD}\n"
        f"  Public site:  http://localhost:{port}/  (landing page and sign-up)\n"
        f"  Listening on: {runserver_address(config)}"
        f"{'' if config.host in LOOPBACK_HOSTS else '  (reachable from other machines)'}\n"
        f"  Tasks:        {tasks}\n"
        f"  Carriers:     {env.get('EASYPOST_API_BASE', 'https://api.easypost.com/v2')}\n"
        f"  Debug pages:  {debug_line(env)}\n"
        "  Ctrl-C stops everything devstack started.\n"
    )
    # Only the web server ends the run; a worker or beat that dies is reported, not fatal, so
    # the pages stay up while the developer reads its traceback.
    reported: set[Child] = set()
    while (code := web.poll()) is None:
        for child in set(workers) - reported:
            if child.poll() is not None:
                say(f"warning: {child.name} exited (code {child.poll()}): tasks will not run")
                reported.add(child)
        time.sleep(0.5)
    say(f"the web server exited (code {code})")
    return code


def command_test(config: Config, stack: contextlib.ExitStack, pytest_args: Sequence[str]) -> int:
    """The test suite with pytest's exit code; 5 (no test ran) is passed on, so it fails."""
    database_url = find_database(config, stack, create=False)
    redis_url = find_redis(config, stack, start_private=True)
    ensure_system_packages()
    env = django_env("wms.settings.test", database_url, redis_url)
    venv_pytest = REPO_DIR / ".venv" / "bin" / "pytest"
    argv = [str(venv_pytest)] if venv_pytest.exists() else [sys.executable, "-m", "pytest"]
    child = Child("pytest", [*argv, *pytest_args], env)
    stack.callback(_stop_child, child)
    code = wait_for(child)
    if code == 5:
        say("pytest ran no tests (exit 5): that is a failure")
    return code


def command_bench(config: Config, stack: contextlib.ExitStack, args: Sequence[str]) -> int:
    """`python -m tests.bench` in the test environment, with its exit code."""
    if not any((REPO_DIR / "tests" / path).exists() for path in ("bench.py", "bench/__main__.py")):
        raise DevstackError("there is no benchmark yet (tests/bench.py)")
    database_url = find_database(config, stack, create=False)
    redis_url = find_redis(config, stack, start_private=True)
    env = django_env("wms.settings.test", database_url, redis_url)
    child = Child("bench", [sys.executable, "-m", "tests.bench", *args], env)
    stack.callback(_stop_child, child)
    return wait_for(child)


@contextlib.contextmanager
def signals_interrupt() -> Iterator[None]:
    """While active, SIGINT, SIGTERM and SIGHUP raise Interrupted in the main thread, so the
    cleanup in `finally` blocks runs (a bare SIGTERM would skip it and orphan the servers).
    The cleanup itself runs with those signals ignored so that a second Ctrl-C cannot cut it
    short."""
    handled = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise Interrupted(signum)

    for signum in handled:
        signal.signal(signum, interrupt)
    try:
        yield
    finally:
        for signum in handled:
            signal.signal(signum, signal.SIG_IGN)


Command = Callable[[Config, contextlib.ExitStack, Sequence[str]], int]
COMMANDS: dict[str, Command] = {"run": command_run, "test": command_test, "bench": command_bench}
USAGE = "usage: python -m devtools.devstack run | test [pytest args] | bench [args]"


def main(argv: Sequence[str]) -> int:
    """Runs one command; returns its exit code. Every server and child it started is stopped
    before it returns, whatever happened (error, Ctrl-C, SIGTERM, SIGHUP)."""
    if not argv or argv[0] not in COMMANDS or (argv[0] == "run" and len(argv) > 1):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        config = Config.from_env(os.environ)
        # signals_interrupt is the inner context: it ends first, so the stack's cleanup runs
        # with the signals ignored.
        with contextlib.ExitStack() as stack, signals_interrupt():
            return COMMANDS[argv[0]](config, stack, argv[1:])
    except Interrupted as exc:
        say(f"stopped by {exc}; everything devstack started is stopped")
        return 128 + exc.signum
    except DevstackError as exc:
        say(f"error: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
