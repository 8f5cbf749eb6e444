"""Settings for `make bench`: the production settings, with what a load generator would trip.

DEBUG is off and everything else is read from the environment as in production (bench/run.py
sets PostgreSQL, Redis, persistent connections and a fixed SECRET_KEY). Only these differ:
rate limits and the minimum form-fill time would refuse a load generator, plain HTTP on
loopback needs no HTTPS redirect or secure cookies, and the staff pages are measured without
an authenticator code.
"""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-never-used-anywhere-else-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("CONN_MAX_AGE", "600")
os.environ.setdefault("FORM_MIN_FILL_SECONDS", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("STAFF_OTP_REQUIRED", "false")
# As docs/deploy.md: messages go out from the worker bench/run.py starts beside gunicorn.
os.environ.setdefault("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")

from digiopas.settings import *  # noqa: F403
from digiopas.settings import RATE_LIMITS

RATE_LIMITS = {group: dict.fromkeys(rates, "100000000/h") for group, rates in RATE_LIMITS.items()}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# The bench signs in many times from one address.
AXES_ENABLED = False
# Solid-state storage, as docs/deploy.md recommends for production (PostgreSQL's default 4.0
# models spinning disks and makes the planner read a year's topic links by a sequential scan).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c random_page_cost=1.1"  # noqa: F405
