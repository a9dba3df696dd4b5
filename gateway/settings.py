"""Django settings for confide. Behaviour is configured in confide.toml, not here."""

from __future__ import annotations

import os
import sys
from datetime import timedelta

from django.utils.csp import CSP

from gateway.config import load_settings
from gateway.database_url import POSTGRES_KEEPALIVES, database_settings
from gateway.review.secret import NO_SECRET, secret_key_file

_config = load_settings()
_review = _config.review

# The review app signs sessions with it: CONFIDE_SECRET_KEY, or the file confide run makes
# beside the database (gateway.review.secret); the command line never signs anything.
SECRET_KEY = os.environ.get("CONFIDE_SECRET_KEY") or NO_SECRET
if SECRET_KEY == NO_SECRET and secret_key_file(_config.data_dir).is_file():
    SECRET_KEY = secret_key_file(_config.data_dir).read_text(encoding="ascii").strip()
DEBUG = False
ALLOWED_HOSTS: list[str] = [host.strip("[]") for host in _review.hosts]
USE_TZ = True
TIME_ZONE = "Europe/London"
LANGUAGE_CODE = "en-gb"
FORMAT_MODULE_PATH = ["gateway.formats"]
# The pages' messages name recipients' addresses: kept in the session (the database), never
# in a cookie as Django's default does when they fit.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "gateway",
    "gateway.register",
    "gateway.relay",
    "gateway.review",
    "gateway.watcher",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "gateway.review.second_factor_pages.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]
ROOT_URLCONF = "gateway.urls"
WSGI_APPLICATION = "gateway.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gateway.review.context_processors.role",
            ]
        },
    }
]
STATIC_URL = "/static/"
# Collected nowhere: WhiteNoise serves the apps' static folders as they are installed.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "review:queue"
LOGOUT_REDIRECT_URL = "login"
# Passwords hashed with Argon2 (argon2-cffi); the others only read hashes made elsewhere.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Failed sign-ins throttled per account and, separately, per address (django-axes).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend, refusing an account with no role (gateway/review/signing_in.py).
    "gateway.review.signing_in.RoleBackend",
]
AXES_FAILURE_LIMIT = _review.failed_logins_allowed
AXES_COOLOFF_TIME = timedelta(minutes=_review.lockout_minutes)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Not reset by a sign-in: django-axes would clear every failure matching the account OR the
# address, so one account's success from an address would wipe out the guesses counted
# against another's from it. Failures count for lockout_minutes, then expire.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "review/locked_out.html"
# Its log lines name the page alone, never what the client typed or sent (the account name,
# the User-Agent: gateway.review.signing_in.sign_in_client).
AXES_CLIENT_STR_CALLABLE = "gateway.review.signing_in.sign_in_client"
# A second factor (django-otp, TOTP): a signed-in user with a device is asked for its code
# before any page; managers and superusers must have one when review.require_second_factor
# is set (gateway.review.second_factor_pages). A wrong code counts as a failed sign-in for
# django-axes, and the device itself slows guessing down (django-otp's throttling).
CONFIDE_REQUIRE_SECOND_FACTOR = _review.require_second_factor
OTP_TOTP_ISSUER = _config.organisation.name or "confide"
# The client's address: behind the proxy, waitress has already put the address the proxy
# saw into REMOTE_ADDR (gateway.review.web_server), so nothing a client sends is trusted.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Sessions end when the browser closes, and after eight idle hours at most.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
if _review.behind_tls_proxy:  # waitress reads X-Forwarded-Proto from the proxy only
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
# A supervisor's probe asks over plain HTTP on loopback (docker/Dockerfile's HEALTHCHECK); the
# health pages carry no secret and no mail, so they are answered rather than redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Django's own CSP: nothing from elsewhere, no scripts at all, never framed. A held
# message's HTML is shown in a sandboxed iframe (srcdoc) that inherits this policy, so it
# can load nothing remote either.
SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-src": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

# SQLite by default; DATABASE_URL (postgres://...) to scale out onto PostgreSQL.
DATABASES = {
    "default": database_settings(
        os.environ.get("DATABASE_URL"),
        f"sqlite:///{(_config.data_dir / 'confide.sqlite3').resolve()}",
        conn_max_age=60,
    )
}
# The relay answers 250 only after its COMMIT is on disk: SQLite in WAL mode with
# synchronous=FULL (and IMMEDIATE transactions, so concurrent writers queue rather than fail
# to upgrade a lock); PostgreSQL with synchronous_commit on, whatever the server's default.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=on"
    # libpq waits for ever for a server that takes no connection (a firewall dropping it, a
    # host gone): confide would hang at start-up, or in a request, rather than say so.
    # DATABASE_URL's ?connect_timeout=N sets another.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 10)
    for _option, _value in POSTGRES_KEEPALIVES.items():
        DATABASES["default"]["OPTIONS"].setdefault(_option, _value)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Log lines go to standard error (standard output is the commands' own output, such as
# confide scan --json), through the scrubbing filter, as text or JSON lines ([logging] format;
# auto: text on a terminal, JSON for a service or container). See gateway/health/log_lines.py.
_LOG_FORMAT = _config.logging.format
if _LOG_FORMAT == "auto":
    _LOG_FORMAT = "text" if sys.stderr.isatty() else "json"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "scrub": {"()": "gateway.health.log_lines.ScrubIdentifiers"},
        "one_line_requests": {"()": "gateway.review.request_log.OneLineRequests"},
        "without_client_text": {"()": "gateway.health.smtp_library_log.WithoutClientText"},
        "suspicious_once": {"()": "gateway.review.suspicious_log.OncePerKind"},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "gateway.health.log_lines.JsonLines"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": _LOG_FORMAT,
            # A suspicious request (a Host not in review.hosts) is one line a minute per kind.
            "filters": ["suspicious_once", "scrub"],
        }
    },
    # WARNING by default for the one-shot commands; the relay (confide relay, confide run)
    # makes its default INFO, see gateway.management.commands.relay.relay_log_level.
    "root": {"handlers": ["stderr"], "level": os.environ.get("CONFIDE_LOG_LEVEL", "WARNING")},
    # Presidio logs matched entity details at DEBUG and warns about unmapped labels.
    # aiosmtpd logs every connection and command at INFO (and data at DEBUG), and an
    # unrecognised command (a body line pipelined after a refused RCPT) at WARNING: its
    # records keep their template and the client's address only, at any level
    # (gateway/health/smtp_library_log.py).
    "loggers": {
        "presidio-analyzer": {"level": "ERROR"},
        "mail.log": {"level": "WARNING", "filters": ["without_client_text"]},
        "mail.debug": {"level": "WARNING", "filters": ["without_client_text"]},
        # A refused or failed request is one line with its status, the route it matched (never
        # the path as typed) and the user's id (gateway/review/request_log.py).
        "django.request": {"filters": ["one_line_requests"]},
        "django.security.csrf": {"filters": ["one_line_requests"]},
    },
}
