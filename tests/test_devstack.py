"""devtools/devstack.py: how it finds or starts PostgreSQL and Redis, and that what it starts it stops.

These start real servers (a private PostgreSQL cluster from the machine's binaries, the embedded
pgserver, a private redis-server) in temporary folders, on free ports, never touching the shared
servers on 5432/6379."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from devtools import devstack
from devtools.devstack import Config, DevstackError

REPO_DIR = Path(__file__).resolve().parent.parent
# The servers this very run uses (set by `make test`).
SUITE_URLS = {key: os.environ[key] for key in ("DATABASE_URL", "REDIS_URL") if key in os.environ}


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A scratch .data. Not pytest's tmp_path: that sits under a root-only folder, and the
    private cluster runs as the unprivileged postgres user, who must be able to reach it."""
    path = Path(tempfile.mkdtemp(prefix="fvdev-devstack-"))
    path.chmod(0o755)
    yield path
    subprocess.run(["rm", "-rf", str(path)], check=False)


def closed_port() -> int:
    return devstack.free_port(47000)


def config_for(data_dir: Path, **env: str) -> Config:
    defaults = {
        "FV_PG_PROBE": f"127.0.0.1:{closed_port()}",
        "FV_REDIS_PROBE": f"127.0.0.1:{closed_port()}",
        "FV_DB_NAME": "fvdev_devstack",
    }
    return Config.from_env({**defaults, **env}, data_dir=data_dir)


def database_names(url: str) -> set[str]:
    with psycopg.connect(url, autocommit=True) as conn:
        return {row[0] for row in conn.execute("SELECT datname FROM pg_database")}


@pytest.fixture(scope="module")
def private_cluster() -> Iterator[tuple[Path, str]]:
    """A private cluster started the way `make run` does when no PostgreSQL answers; it must be
    gone once its stack closes."""
    path = Path(tempfile.mkdtemp(prefix="fvdev-devstack-"))
    path.chmod(0o755)
    config = Config.from_env(
        {"FV_PG_PROBE": f"127.0.0.1:{closed_port()}", "FV_DB_NAME": "fvdev_devstack"},
        data_dir=path,
    )
    with contextlib.ExitStack() as stack:
        url = devstack.find_database(config, stack, create=False)
        postmaster = devstack.read_postmaster(path / "pg")
        yield path, url
    assert postmaster is not None
    assert devstack.read_postmaster(path / "pg") is None
    assert not devstack.port_answers("127.0.0.1", postmaster.port)
    subprocess.run(["rm", "-rf", str(path)], check=False)


def test_host_port_parses_with_ipv6_and_refuses_garbage() -> None:
    assert devstack.parse_host_port("127.0.0.1:5432") == ("127.0.0.1", 5432)
    assert devstack.parse_host_port("[::1]:6379") == ("::1", 6379)
    with pytest.raises(DevstackError):
        devstack.parse_host_port("localhost")
    assert devstack._tcp_url("::1", 5432, "db") == "postgres://postgres@[::1]:5432/db"


def test_probes_default_to_the_standard_ports_and_env_moves_them() -> None:
    assert Config.from_env({}).pg_probe == ("127.0.0.1", 5432)
    assert Config.from_env({}).redis_probe == ("127.0.0.1", 6379)
    config = Config.from_env({"FV_PG_PROBE": "10.0.0.9:1", "FV_REDIS_PROBE": "10.0.0.9:2"})
    assert (config.pg_probe, config.redis_probe) == (("10.0.0.9", 1), ("10.0.0.9", 2))


def test_database_url_from_env_wins_and_starts_nothing(data_dir: Path) -> None:
    config = config_for(data_dir, DATABASE_URL="postgres://someone@db.example:5432/elsewhere")
    with contextlib.ExitStack() as stack:
        url = devstack.find_database(config, stack, create=True)
    assert url == "postgres://someone@db.example:5432/elsewhere"
    assert list(data_dir.iterdir()) == []


def test_closed_port_does_not_answer_either_probe() -> None:
    port = closed_port()
    assert not devstack.port_answers("127.0.0.1", port)
    assert not devstack.redis_answers("127.0.0.1", port)


def test_closed_probe_falls_through_to_a_private_cluster_on_loopback(
    private_cluster: tuple[Path, str],
) -> None:
    path, url = private_cluster
    assert url.startswith("postgres://postgres@127.0.0.1:")
    assert url.endswith("/fvdev_devstack")
    assert "fvdev_devstack" in database_names(url)
    assert (path / "pg" / "PG_VERSION").is_file()
    assert (path / "pg.owner").read_text().strip() == str(os.getpid())


def test_probe_that_answers_is_used_and_gets_the_database(
    private_cluster: tuple[Path, str], data_dir: Path
) -> None:
    _, url = private_cluster
    port = url.split(":")[2].split("/")[0]
    config = config_for(data_dir, FV_PG_PROBE=f"127.0.0.1:{port}", FV_DB_NAME="fvdev_probed")
    with contextlib.ExitStack() as stack:
        found = devstack.find_database(config, stack, create=True)
    assert found == f"postgres://postgres@127.0.0.1:{port}/fvdev_probed"
    assert "fvdev_probed" in database_names(found)
    # A found server is not ours: closing the stack left it running.
    assert devstack.postgres_answers(found) is None


def test_cluster_of_a_live_devstack_is_shared_not_stopped(
    private_cluster: tuple[Path, str],
) -> None:
    path, url = private_cluster
    owner = subprocess.Popen(["sleep", "30"])
    owner_file = path / "pg.owner"
    previous = owner_file.read_text()
    owner_file.write_text(f"{owner.pid}\n")
    try:
        config = Config.from_env(
            {"FV_PG_PROBE": f"127.0.0.1:{closed_port()}", "FV_DB_NAME": "fvdev_devstack"},
            data_dir=path,
        )
        with contextlib.ExitStack() as stack:
            assert devstack.find_database(config, stack, create=False) == url
        assert devstack.postgres_answers(url) is None
        assert owner_file.read_text() == f"{owner.pid}\n"
    finally:
        owner.kill()
        owner.wait()
        owner_file.write_text(previous)


def test_cluster_left_by_a_killed_devstack_is_adopted_and_stopped(data_dir: Path) -> None:
    config = config_for(data_dir)
    with contextlib.ExitStack() as stack:
        url = devstack.find_database(config, stack, create=False)
        stack.pop_all()  # what SIGKILL does: no cleanup runs
    postmaster = devstack.read_postmaster(data_dir / "pg")
    assert postmaster is not None
    (data_dir / "pg.owner").write_text("999999999\n")  # no such process

    with contextlib.ExitStack() as stack:
        assert devstack.find_database(config, stack, create=False) == url

    assert devstack.read_postmaster(data_dir / "pg") is None
    assert not devstack._pid_alive(postmaster.pid)
    assert not (data_dir / "pg.owner").exists()


def test_without_pg_binaries_pgserver_serves_on_a_socket_and_stops(data_dir: Path) -> None:
    config = config_for(data_dir, FV_NO_PG_BINARIES="1")
    with contextlib.ExitStack() as stack:
        url = devstack.find_database(config, stack, create=False)
        postmaster = devstack.read_postmaster(data_dir / "pgserver")
        assert url == (
            "postgresql://postgres@" + str(data_dir / "pgserver").replace("/", "%2F")
            + "/fvdev_devstack"
        )  # fmt: skip
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == ("fvdev_devstack",)
            assert conn.info.server_version // 10000 == 16
    assert postmaster is not None
    assert devstack.read_postmaster(data_dir / "pgserver") is None
    assert not devstack._pid_alive(postmaster.pid)


def test_pgserver_url_is_one_dj_database_url_reads_as_a_socket_host() -> None:
    import dj_database_url

    parsed = dj_database_url.parse("postgresql://postgres@%2Fsome%2Fsock%20dir/fluxvantage")
    assert (parsed["HOST"], parsed["NAME"], parsed["USER"]) == (
        "/some/sock dir",
        "fluxvantage",
        "postgres",
    )


def test_redis_url_from_env_that_answers_wins_and_starts_nothing(data_dir: Path) -> None:
    given = SUITE_URLS.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0] + "/3"
    config = config_for(data_dir, REDIS_URL=given)
    with contextlib.ExitStack() as stack:
        url = devstack.find_redis(config, stack, start_private=True)
    assert url == given
    assert list(data_dir.iterdir()) == []


@pytest.mark.parametrize("start_private", [True, False])
def test_redis_url_from_env_that_does_not_answer_is_an_error_not_trusted(
    data_dir: Path, start_private: bool
) -> None:
    # The broker that was trusted before: the banner promised workers, and a sign-up then
    # answered 500 with its tenant queued nowhere.
    port = closed_port()
    config = config_for(data_dir, REDIS_URL=f"redis://:s3cret@127.0.0.1:{port}/0")
    with (
        contextlib.ExitStack() as stack,
        pytest.raises(
            DevstackError, match=f"REDIS_URL redis://:\\*\\*\\*@127.0.0.1:{port}/0 does not answer"
        ),
    ):
        devstack.find_redis(config, stack, start_private=start_private)
    assert list(data_dir.iterdir()) == []  # nothing started instead


def test_redis_url_check_wants_a_pong_not_just_an_open_port() -> None:
    import socket

    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        reason = devstack.redis_url_answers(f"redis://127.0.0.1:{port}/0", timeout=0.3)
    assert reason is not None
    assert "Timeout" in reason
    assert (
        devstack.redis_url_answers(SUITE_URLS.get("REDIS_URL", "redis://127.0.0.1:6379/0")) is None
    )


def test_run_serves_on_loopback_unless_host_says_otherwise() -> None:
    assert devstack.runserver_address(Config.from_env({})) == "127.0.0.1:8000"
    assert devstack.runserver_address(Config.from_env({"PORT": "8010"})) == "127.0.0.1:8010"
    assert devstack.runserver_address(Config.from_env({"HOST": "0.0.0.0"})) == "0.0.0.0:8000"
    assert devstack.runserver_address(Config.from_env({"HOST": "::1"})) == "[::1]:8000"
    with pytest.raises(DevstackError, match="PORT must be a number"):
        Config.from_env({"PORT": "eighty"})


def test_run_refuses_a_taken_port_before_starting_anything(data_dir: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert not devstack.port_is_free("127.0.0.1", port)
        config = config_for(
            data_dir, PORT=str(port), DATABASE_URL="postgres://x@127.0.0.1:1/db",
            EASYPOST_API_BASE="http://127.0.0.1:9/v2",
        )  # fmt: skip
        with (
            contextlib.ExitStack() as stack,
            pytest.raises(
                DevstackError, match=f"port {port} on 127.0.0.1 is taken.*PORT={port + 1} make run"
            ),
        ):
            devstack.command_run(config, stack, [])
    assert devstack.port_is_free("127.0.0.1", port)


def test_run_without_redis_falls_back_to_eager_celery(data_dir: Path) -> None:
    with contextlib.ExitStack() as stack:
        redis_url = devstack.find_redis(config_for(data_dir), stack, start_private=False)
    env = devstack.django_env("wms.settings.dev", "postgres://x@h/db", redis_url)
    assert redis_url is None
    assert env["CELERY_EAGER"] == "1"
    assert "REDIS_URL" not in env


def test_tests_without_redis_start_a_private_one_that_the_probe_finds_and_stop_it(
    data_dir: Path,
) -> None:
    with contextlib.ExitStack() as stack:
        url = devstack.find_redis(config_for(data_dir), stack, start_private=True)
        assert url is not None
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        assert devstack.redis_answers("127.0.0.1", port)
        probed = config_for(data_dir, FV_REDIS_PROBE=f"127.0.0.1:{port}")
        with contextlib.ExitStack() as inner:
            assert devstack.find_redis(probed, inner, start_private=True) == url
    assert not devstack.port_answers("127.0.0.1", port)
    assert (data_dir / "redis").is_dir()
    assert list((data_dir / "redis").glob("*.rdb")) == []  # no persistence


def test_tests_without_redis_or_redis_server_name_the_debian_package(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(devstack.shutil, "which", lambda name: None)
    with contextlib.ExitStack() as stack, pytest.raises(DevstackError, match="redis-server"):
        devstack.find_redis(config_for(data_dir), stack, start_private=True)


def test_missing_test_tools_are_named_by_debian_package() -> None:
    tools = {"/nonexistent/chromium": "chromium", "no-such-tool-zz": "zbar-tools", "sh": "dash"}
    assert devstack.missing_packages(tools) == ["chromium", "zbar-tools"]


def test_missing_test_tools_fail_loudly_without_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(devstack.os, "geteuid", lambda: 1000)
    with pytest.raises(DevstackError, match="apt-get install --no-install-recommends poppler"):
        devstack.ensure_system_packages({"no-such-pdftotext-zz": "poppler-utils"})


def test_stopping_a_child_stops_its_whole_process_group() -> None:
    child = devstack.Child("sleepers", ["sh", "-c", "sleep 30 & sleep 30 & wait"], os.environ)
    deadline = time.monotonic() + 5
    while len(devstack.group_members(child.pgid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(devstack.group_members(child.pgid)) == 3
    child.stop(timeout=5)
    assert devstack.group_members(child.pgid) == []


def test_unknown_command_prints_usage() -> None:
    assert devstack.main(["serve"]) == 2
    assert devstack.main([]) == 2
    assert devstack.main(["run", "--extra"]) == 2


def test_importing_devstack_loads_no_django_settings() -> None:
    code = "import devtools.devstack, django.conf, sys; sys.exit(django.conf.settings.configured)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "no.such.settings"}
    assert subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO_DIR).returncode == 0


SLOW_COMMAND = textwrap.dedent(
    """
    import sys, time
    from devtools import devstack

    def slow(config, stack, args):
        print(devstack.find_redis(config, stack, start_private=True), flush=True)
        time.sleep(60)
        return 0

    devstack.COMMANDS["test"] = slow
    sys.exit(devstack.main(["test"]))
    """
)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_signal_stops_what_devstack_started(data_dir: Path, signum: int) -> None:
    env = {
        **os.environ,
        "REDIS_URL": "",
        "FV_DATA_DIR": str(data_dir),
        "FV_REDIS_PROBE": f"127.0.0.1:{closed_port()}",
    }
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_COMMAND],
        env=env,
        cwd=REPO_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines = iter(process.stdout.readline, "")
    url = next(line for line in lines if line.startswith("redis://"))
    port = int(url.strip().rsplit(":", 1)[1].split("/")[0])
    assert devstack.redis_answers("127.0.0.1", port)

    process.send_signal(signum)

    assert process.wait(timeout=15) == 128 + signum
    assert not devstack.port_answers("127.0.0.1", port)


def test_pytest_that_runs_no_test_fails_with_exit_5() -> None:
    # The same servers as this run; without them the inner devstack finds its own.
    env = {**os.environ, **SUITE_URLS}
    result = subprocess.run(
        [sys.executable, "-m", "devtools.devstack", "test", "tests/test_devstack.py",
         "-k", "no_test_is_named_like_this", "-p", "no:cacheprovider"],
        env=env,
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode == 5, result.stdout + result.stderr
    assert "pytest ran no tests (exit 5)" in result.stdout


def test_cleanup_finishes_when_the_output_pipe_is_gone(data_dir: Path) -> None:
    # `make run | tee log` then Ctrl-C: tee dies first, and every status line devstack prints
    # while stopping things hits a closed pipe.
    env = {
        **os.environ,
        "REDIS_URL": "",
        "FV_DATA_DIR": str(data_dir),
        "FV_REDIS_PROBE": f"127.0.0.1:{closed_port()}",
    }
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_COMMAND],
        env=env,
        cwd=REPO_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines = iter(process.stdout.readline, "")
    url = next(line for line in lines if line.startswith("redis://"))
    port = int(url.strip().rsplit(":", 1)[1].split("/")[0])
    process.stdout.close()

    process.send_signal(signal.SIGINT)

    assert process.wait(timeout=15) == 128 + signal.SIGINT
    assert not devstack.port_answers("127.0.0.1", port)


# --- carriers: the fake EasyPost that `make run` starts ---------------------------------------


def test_easypost_plan_follows_the_key_and_the_base() -> None:
    base = "http://127.0.0.1:9/v2"
    assert devstack.easypost_plan(Config.from_env({})) == "fake"
    assert devstack.easypost_plan(Config.from_env({"EASYPOST_API_KEY": "EZAK_live"})) == "real"
    assert devstack.easypost_plan(Config.from_env({"EASYPOST_API_BASE": base})) == "given"
    both = Config.from_env({"EASYPOST_API_KEY": "k", "EASYPOST_API_BASE": base})
    assert devstack.easypost_plan(both) == "given"


@pytest.mark.parametrize(
    "env", [{"EASYPOST_API_KEY": "EZAK_live"}, {"EASYPOST_API_BASE": "http://127.0.0.1:9/v2"}]
)
def test_real_or_given_easypost_starts_nothing(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    def no_child(*args: object, **kwargs: object) -> None:
        raise AssertionError("nothing may start")

    monkeypatch.setattr(devstack, "Child", no_child)
    with contextlib.ExitStack() as stack:
        assert devstack.easypost_env(config_for(data_dir, **env), stack) == {}


def test_run_starts_the_fake_easypost_on_loopback_for_the_children_and_stops_it(
    data_dir: Path,
) -> None:
    import easypost

    with contextlib.ExitStack() as stack:
        env = devstack.easypost_env(config_for(data_dir), stack)
        base = env["EASYPOST_API_BASE"]
        port = int(base.split(":")[2].split("/")[0])
        assert base == f"http://127.0.0.1:{port}/v2"
        assert env["EASYPOST_API_KEY"] == devstack.FAKE_EASYPOST_KEY
        client = easypost.EasyPostClient(env["EASYPOST_API_KEY"], api_base=base, timeout=5)
        shipment = client.shipment.create(
            from_address={"name": "DC", "street1": "1 Dock Rd", "city": "Reno", "zip": "89501"},
            to_address={"name": "Ada", "street1": "2 Oak St", "city": "Austin", "zip": "78701"},
            parcel={"length": 10, "width": 8, "height": 4, "weight": 12},
        )
        assert len(shipment.rates) == 6
        stranger = easypost.EasyPostClient("EZTK_other", api_base=base, timeout=5)
        with pytest.raises(easypost.errors.UnauthorizedError):
            stranger.shipment.retrieve(shipment.id)
    assert not devstack.port_answers("127.0.0.1", port)


FAKE_EASYPOST_COMMAND = textwrap.dedent(
    """
    import contextlib, sys, time
    from devtools import devstack

    def slow(config, stack, args):
        print(devstack.easypost_env(config, stack)["EASYPOST_API_BASE"], flush=True)
        time.sleep(60)
        return 0

    devstack.COMMANDS["run"] = slow
    sys.exit(devstack.main(["run"]))
    """
)


def test_ctrl_c_stops_the_fake_easypost(data_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EASYPOST_")}
    process = subprocess.Popen(
        [sys.executable, "-c", FAKE_EASYPOST_COMMAND],
        env={**env, "FV_DATA_DIR": str(data_dir)},
        cwd=REPO_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines = iter(process.stdout.readline, "")
    base = next(line for line in lines if line.startswith("http://127.0.0.1:"))
    port = int(base.strip().split(":")[2].split("/")[0])
    assert devstack.port_answers("127.0.0.1", port)

    process.send_signal(signal.SIGINT)

    assert process.wait(timeout=15) == 128 + signal.SIGINT
    assert not devstack.port_answers("127.0.0.1", port)
