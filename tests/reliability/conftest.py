"""Two real app servers (gunicorn, 4 workers each) on the test's PostgreSQL database."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.db import connection

from tests.ports import free_port

BASE_DIR = Path(__file__).resolve().parents[2]
WORKERS_PER_SERVER = 4
# The public forms' minimum fill time on the servers (the test process sets its own to 0).
FORM_MIN_FILL_SECONDS = 3


@pytest.fixture(scope="session", autouse=True)
def _postgres_only(django_db_setup, django_db_blocker):
    """Fail, never skip: races across app servers mean nothing on SQLite."""
    with django_db_blocker.unblock():
        vendor = connection.vendor
    if vendor != "postgresql":
        pytest.fail(
            "The reliability suite needs PostgreSQL: run `make reliability` or set "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/digiopas_reliability",
            pytrace=False,
        )


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def server_env(static_root: str) -> dict[str, str]:
    """Production mode, as behind a load balancer that ends TLS and adds X-Forwarded-For."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DEBUG="false",
        SECRET_KEY=settings.SECRET_KEY,  # the same key makes the same private-link tokens
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url(),
        STATIC_ROOT=static_root,
        EMAIL_URL="dummymail://",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        TRUSTED_PROXY_COUNT="1",
        FORM_MIN_FILL_SECONDS=str(FORM_MIN_FILL_SECONDS),
    )
    return env


def wait_until_up(base_url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn at {base_url} exited:\n{log.read_text()}")
        try:
            httpx.get(f"{base_url}/", headers={"X-Forwarded-Proto": "https"})
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn at {base_url} did not start:\n{log.read_text()}")


@pytest.fixture(scope="session")
def app_servers(tmp_path_factory, _postgres_only, django_db_blocker) -> list[str]:
    """Base URLs of two gunicorn servers on free ports, sharing the test database."""
    workdir = tmp_path_factory.mktemp("servers")
    static_root = str(workdir / "static")
    with django_db_blocker.unblock():
        env = server_env(static_root)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    servers = []
    for n in range(2):
        port = free_port()
        log = workdir / f"gunicorn-{n}.log"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "digiopas.wsgi",
                f"--bind=127.0.0.1:{port}",
                f"--workers={WORKERS_PER_SERVER}",
                "--timeout=120",
                "--backlog=512",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        servers.append((f"http://127.0.0.1:{port}", process, log))
    try:
        for base_url, process, log in servers:
            wait_until_up(base_url, process, log)
        yield [base_url for base_url, _, _ in servers]
    finally:
        for _, process, log in servers:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
            errors = [line for line in log.read_text().splitlines() if "Traceback" in line]
            if errors:
                print(f"\n{log}:\n{log.read_text()[-5000:]}")
