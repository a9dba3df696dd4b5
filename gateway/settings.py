"""Django settings for confide. Behaviour is configured in confide.toml, not here."""

from __future__ import annotations

import os

import dj_database_url

from gateway.config import load_settings

_config = load_settings()

# Only the review app will need a secret; the command line never signs anything.
SECRET_KEY = os.environ.get("CONFIDE_SECRET_KEY", "confide-development-only-not-secret")
DEBUG = False
ALLOWED_HOSTS: list[str] = []
USE_TZ = True
TIME_ZONE = "Europe/London"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "gateway",
    "gateway.register",
    "gateway.relay",
]

# SQLite by default; DATABASE_URL (postgres://...) to scale out onto PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{(_config.data_dir / 'confide.sqlite3').resolve()}",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # WARNING by default for the one-shot commands; the relay (confide relay, confide run)
    # makes its default INFO, see gateway.management.commands.relay.relay_log_level.
    "root": {"handlers": ["stderr"], "level": os.environ.get("CONFIDE_LOG_LEVEL", "WARNING")},
    # Presidio logs matched entity details at DEBUG and warns about unmapped labels.
    # aiosmtpd logs every connection and command at INFO (and data at DEBUG).
    "loggers": {"presidio-analyzer": {"level": "ERROR"}, "mail.log": {"level": "WARNING"}},
}
