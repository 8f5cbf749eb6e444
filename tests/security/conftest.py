import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a production deployment: DEBUG off and everything it then needs."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="digiopas.example.org,testserver",
        EMAIL_URL="smtp+tls://digiopas:secret@smtp.example.org:587",
        CSRF_TRUSTED_ORIGINS="https://digiopas.example.org",
    )
    env.update(overrides)
    return env


def run_python(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> str:
    """STATIC_ROOT after `collectstatic`: production pages need its manifest of hashed names."""
    root = tmp_path_factory.mktemp("staticfiles")
    result = run_python(
        "manage.py",
        "collectstatic",
        "--noinput",
        "-v0",
        env=production_env(STATIC_ROOT=str(root), DATABASE_URL="sqlite:///:memory:"),
    )
    assert result.returncode == 0, result.stderr
    return str(root)
