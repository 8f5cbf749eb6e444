"""Production mode is chosen by the environment, and Django's deployment check finds nothing."""

from tests.security.conftest import production_env, run_python


def test_the_deployment_check_reports_nothing_in_production_mode():
    result = run_python(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_env(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https"),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key_or_hosts():
    for missing in ("SECRET_KEY", "ALLOWED_HOSTS"):
        env = production_env()
        del env[missing]

        result = run_python("manage.py", "check", env=env)

        assert result.returncode != 0
        assert missing in result.stderr


def test_production_settings_come_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_HSTS_PRELOAD, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_PROXY_SSL_HEADER, s.CSRF_TRUSTED_ORIGINS, "
        "s.DATABASES['default']['CONN_MAX_AGE'], s.STAFF_OTP_REQUIRED, "
        "s.SECURE_CSP['frame-ancestors'])"
    )
    env = production_env(
        DJANGO_SETTINGS_MODULE="digiopas.settings",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        SECURE_HSTS_PRELOAD="false",
        FRAME_ANCESTORS="self https://www.kirjasto.example",
    )

    result = run_python("-c", code, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 4)[:4] == ["True", "31536000", "True", "False"]
    assert "('HTTP_X_FORWARDED_PROTO', 'https')" in result.stdout
    assert "['https://digiopas.example.org'] 60 True" in result.stdout
    assert "[\"'self'\", 'https://www.kirjasto.example']" in result.stdout


def test_the_local_run_needs_no_settings():
    env = production_env()
    for key in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL", "CSRF_TRUSTED_ORIGINS"):
        del env[key]

    result = run_python("manage.py", "check", env=env)

    assert result.returncode == 0, result.stderr
