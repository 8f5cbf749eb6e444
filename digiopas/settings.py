"""Digiopas settings: one file, every deployment difference read from the environment.

With nothing set, the project runs locally on a SQLite file with DEBUG on.
"""

import datetime as dt
from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
# The fallback key only ever serves the local DEBUG run; production must set its own.
SECRET_KEY = env.str(
    "SECRET_KEY", default="insecure-local-only-key" if DEBUG else environ.Env.NOTSET
)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else environ.Env.NOTSET,
)

INSTALLED_APPS = [
    # Before the admin, as django-modeltranslation asks: the admin's forms see the fi/sv/en
    # columns of device, topic, library and closure texts (bookings/translation.py).
    "modeltranslation",
    "digiopas.apps.StaffAdminConfig",  # django.contrib.admin, with two-factor sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "crispy_forms",
    "crispy_bootstrap5",
    # The public JSON API (bookings/api/): its Swagger UI's script and styles are served from
    # ninja's own static files (with the app installed), never from a CDN.
    "ninja",
    "corsheaders",
    # django-axes, django-otp's TOTP and django-tasks-db, their admin sections named in Finnish
    # and Swedish (digiopas/apps.py).
    "digiopas.apps.SignInProtectionConfig",
    "django_otp",
    "digiopas.apps.AuthenticatorAppsConfig",
    "digiopas.apps.BackgroundTasksConfig",  # the tasks table `db_worker` sends messages from
    "digiopas",
    "bookings",
    "principles",
    "pages",
]
# The sites framework is needed by flatpages (the accessibility statement and privacy notice).
SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Production serves the collected static files itself; `runserver` does it for DEBUG.
    *([] if DEBUG else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    # CORS for the public API only (CORS_URLS_REGEX): before CommonMiddleware, as it asks.
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "digiopas.middleware.SessionIdleTimeoutMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "digiopas.middleware.PrivatePagesMiddleware",
    "digiopas.middleware.StaffTwoFactorMiddleware",
    "digiopas.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
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
# Production keeps connections open between requests (they are checked before reuse).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
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
# Content staff write (device and topic names, library details, closure reasons) in each
# language; a text not given in the page's language shows in Finnish.
MODELTRANSLATION_DEFAULT_LANGUAGE = "fi"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fi",)
# A row made in code (demo data, a command) with `name=...` has that text as its Finnish one.
MODELTRANSLATION_AUTO_POPULATE = "default"
LOCALE_PATHS = [BASE_DIR / "locale"]
# Each language's own date and time formats, 24-hour clock everywhere (digiopas/formats/).
FORMAT_MODULE_PATH = "digiopas.formats"
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Production serves `collectstatic`'s compressed, content-hashed files itself (WhiteNoise);
# the local DEBUG run serves them straight from static/ as before.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}


# Staff forms (layouts of rows and columns); the public forms use digiopas/form_rendering.py.
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587; the console by default.
_email = env.email_url("EMAIL_URL", default="consolemail://")
_smtp_options = {
    # Seconds to wait for the mail server: one that accepts and never answers must not hold
    # the request, or the message (claimed for sending), indefinitely. MAILERS takes it here.
    "timeout": env.float("EMAIL_TIMEOUT", default=10.0),
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

# After a visit marked attended, the patron is asked once how it went: only between these
# local hours (a visit marked in the evening is asked about the next morning), with a link
# open this many days, and a library's averages shown from this many answers up.
FEEDBACK_SEND_FROM_HOUR = env.int("FEEDBACK_SEND_FROM_HOUR", default=9)
FEEDBACK_SEND_UNTIL_HOUR = env.int("FEEDBACK_SEND_UNTIL_HOUR", default=20)
FEEDBACK_LINK_DAYS = env.int("FEEDBACK_LINK_DAYS", default=30)
FEEDBACK_MIN_ANSWERS = env.int("FEEDBACK_MIN_ANSWERS", default=10)

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
# One cache for every process and app server: rate limits are counted together, and a time
# booked in one worker (or held by a cron job) is gone from the free-times page the others serve.
# By default a table in the database (`migrate` creates it: digiopas/migrations); Redis for
# many app servers: CACHE_URL=redis://127.0.0.1:6379/1. Never a per-process cache (locmem).
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://digiopas_cache")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
    # Counters that keep their expiry (digiopas/cache.py); room for a consortium's pages and
    # counters (Django's default of 300 entries would drop them as fast as they are made).
    CACHES["default"]["BACKEND"] = "digiopas.cache.DatabaseCache"
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 10_000)
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Redis unreachable: pages and bookings go on without the cache (digiopas/cache.py), and a
    # Redis that does not answer is given up after REDIS_TIMEOUT seconds instead of hanging.
    _redis_timeout = env.float("REDIS_TIMEOUT", default=0.5)
    CACHES["default"]["BACKEND"] = "digiopas.cache.ResilientRedisCache"
    CACHES["default"].setdefault("OPTIONS", {})
    CACHES["default"]["OPTIONS"].setdefault("socket_connect_timeout", _redis_timeout)
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", _redis_timeout)
# With the cache unreachable, rate limits cannot be counted: let requests through (logged)
# rather than refuse every booking. The bot trap and the per-patron limit of upcoming bookings
# (in the database) still hold.
RATELIMIT_FAIL_OPEN = True
# How many proxies (load balancers) in front of the app append to X-Forwarded-For; 0 = none,
# so a client cannot fake its address by sending the header itself.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Attempts per hour, counted per client address and per patron contact.
RATE_LIMITS = {
    "booking": {"ip": "20/h", "contact": "6/h"},
    "waiting_list": {"ip": "10/h", "contact": "3/h"},
    "private_link": {"ip": "120/h"},
    # The public JSON API (/api/v1/): generous, since a library's site may ask on each visit.
    "api": {"ip": "1200/h"},
    "feedback": {"ip": "20/h"},
}
# Any site may read the public API from a browser (GET, and the preflight), never with
# cookies or credentials; no other address answers to another origin.
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "accept-language"]
# A person needs a few seconds to fill in the form; a bot posts at once.
FORM_MIN_FILL_SECONDS = env.int("FORM_MIN_FILL_SECONDS", default=3)

# --- Privacy ---------------------------------------------------------------------------------
# Patron names, contacts, needs and staff notes are erased this many days after the time.
RETENTION_DAYS = env.int("RETENTION_DAYS", default=30)
# The patron key (a keyed hash of the contact, counting different and returning patrons) is
# kept this long after the time: two whole years back from any day, so that a year's report
# made in January still compares with the year before. An erasure on request clears it at once.
PATRON_KEY_RETENTION_DAYS = env.int("PATRON_KEY_RETENTION_DAYS", default=800)
# The log of staff opening personal data is kept this long.
ACCESS_LOG_RETENTION_DAYS = env.int("ACCESS_LOG_RETENTION_DAYS", default=365)

# --- Production hardening --------------------------------------------------------------------
# With DEBUG off, `manage.py check --deploy --fail-level WARNING` reports nothing. Behind a load
# balancer that ends TLS, set SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https (only if the
# balancer always sets that header) and TRUSTED_PROXY_COUNT above.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = env.tuple("SECURE_PROXY_SSL_HEADER", default=None)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# Origins that may post forms when the site is reached under another name, e.g. https://x.fi.
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Content-Security-Policy (Django's own): nothing from other hosts, no inline script or style.
# data: images are Bootstrap's form icons (check marks, select arrows) inside its CSS.
# FRAME_ANCESTORS: who may show the public pages in a frame, e.g. "self https://kirjasto.fi";
# staff and admin pages are never framed (digiopas.middleware.PrivatePagesMiddleware).
FRAME_ANCESTORS = [
    f"'{source}'" if source in ("self", "none") else source
    for source in env.str("FRAME_ANCESTORS", default="self").replace(",", " ").split()
]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": FRAME_ANCESTORS,
}
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "digiopas.error_pages.csrf_failure"

# --- Staff sign-in -----------------------------------------------------------------------------
# Signed-in sessions end after 30 minutes without a request: each request starts the 30 minutes
# again, saving the session at most once a minute (digiopas.middleware.SessionIdleTimeout…).
SESSION_COOKIE_AGE = 30 * 60
SESSION_REFRESH_SECONDS = 60
# Two-factor sign-in (password + authenticator code) for staff; off for the local DEBUG run.
# `manage.py staff_totp USERNAME` sets up a staff member's authenticator app.
STAFF_OTP_REQUIRED = env.bool("STAFF_OTP_REQUIRED", default=not DEBUG)
# Where sign-in leads when its `next` is missing or points off the site: the admin's front page
# (in the language signed in with), not Django's /accounts/profile/, which this site lacks.
LOGIN_REDIRECT_URL = "admin:index"
OTP_TOTP_ISSUER = "Digiopas"
# Failed sign-ins are counted per username and address together, in the database (shared by
# all app servers); the address is the client's, as far as TRUSTED_PROXY_COUNT vouches.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "bookings.abuse.client_ip"
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
