"""Production settings pass Django's deployment checklist with nothing silenced."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent


def run_deploy_check(**overrides: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "wms.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": ".fluxvantage.example,fluxvantage.example",
        "BASE_DOMAIN": "fluxvantage.example",
        **overrides,
    }
    # Whatever the shell says about these, production defaults are what is checked.
    # DJANGO_ALLOW_ASYNC_UNSAFE is the test run's own switch (tests/conftest.py), never production's.
    for name in (
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    ):
        env.pop(name, None)
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
    )


def test_production_settings_pass_check_deploy_without_warnings() -> None:
    result = run_deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert "WARNINGS" not in result.stderr


def test_a_short_secret_key_fails_the_check() -> None:
    # Proves the check above runs the deploy checks with the key from the environment.
    result = run_deploy_check(SECRET_KEY="short")
    assert result.returncode == 1
    assert "security.W009" in result.stderr
