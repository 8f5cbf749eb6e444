"""Digiopas settings: one file, every deployment difference read from the environment.

With nothing set, the project runs locally on a SQLite file with DEBUG on.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
# The fallback key only ever serves the local DEBUG run; production must set its own.
SECRET_KEY = env.str(
    "SECRET_KEY", default="insecure-local-only-key" if DEBUG else environ.Env.NOTSET
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "crispy_forms",
    "crispy_bootstrap5",
    "bookings",
    "principles",
    "pages",
]
# The sites framework is needed by flatpages (the accessibility statement and privacy notice).
SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "digiopas.urls"
WSGI_APPLICATION = "digiopas.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Each language's own date and time formats, 24-hour clock everywhere (digiopas/formats/).
FORMAT_MODULE_PATH = "digiopas.formats"
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587; the console by default.
_email = env.email_url("EMAIL_URL", default="consolemail://")
_smtp_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS"),
    "use_ssl": _email.get("EMAIL_USE_SSL"),
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {k: v for k, v in _smtp_options.items() if v}
        if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="digiopas@localhost")

# The address patrons' links point to (e-mails and text messages are read outside the site).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Messages are sent as tasks: immediately by default; a deployment may point this at a worker.
TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND", default="django.tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# Reminders go out the day before a booking, from this local hour on.
REMINDER_HOUR = env.int("REMINDER_HOUR", default=10)

# A time freed for the first in the waiting list is held for them this long.
WAITING_LIST_OFFER_HOURS = env.float("WAITING_LIST_OFFER_HOURS", default=2)

# Text messages (bookings/sms/), through a backend shaped like Django's e-mail backends: the
# console by default; "bookings.sms.backends.http.SmsBackend" posts each message as JSON to the
# gateway below, with HTTP Basic credentials, waiting at most SMS_GATEWAY_TIMEOUT seconds.
SMS_BACKEND = env.str("SMS_BACKEND", default="bookings.sms.backends.console.SmsBackend")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_USERNAME = env.str("SMS_GATEWAY_USERNAME", default="")
SMS_GATEWAY_PASSWORD = env.str("SMS_GATEWAY_PASSWORD", default="")
SMS_SENDER = env.str("SMS_SENDER", default="Kirjasto")
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=10.0)

# --- Shared cache and abuse limits -----------------------------------------------------------
# One cache for all app servers in production (rate limits must be counted together):
# CACHE_URL=redis://127.0.0.1:6379/1. Local memory suits the single-process local run.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# How many proxies (load balancers) in front of the app append to X-Forwarded-For; 0 = none,
# so a client cannot fake its address by sending the header itself.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Attempts per hour, counted per client address and per patron contact.
RATE_LIMITS = {
    "booking": {"ip": "20/h", "contact": "6/h"},
    "waiting_list": {"ip": "10/h", "contact": "3/h"},
    "private_link": {"ip": "120/h"},
}
# A person needs a few seconds to fill in the form; a bot posts at once.
FORM_MIN_FILL_SECONDS = env.int("FORM_MIN_FILL_SECONDS", default=3)

# --- Privacy ---------------------------------------------------------------------------------
# Patron names, contacts, needs and staff notes are erased this many days after the time.
RETENTION_DAYS = env.int("RETENTION_DAYS", default=30)
# The log of staff opening personal data is kept this long.
ACCESS_LOG_RETENTION_DAYS = env.int("ACCESS_LOG_RETENTION_DAYS", default=365)
