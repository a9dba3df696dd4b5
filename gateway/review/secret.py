"""The key that signs the review app's sessions and CSRF tokens: ``CONFIDE_SECRET_KEY``, or a
file beside the database, made (mode 0600) when the web app first starts."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

# What SECRET_KEY holds until the file exists: the command line signs nothing, and `confide
# run` replaces it before it serves the web app (``ensure_secret_key``).
NO_SECRET = "confide-no-secret-yet"  # noqa: S105 - a marker that signs nothing


def secret_key_file(data_dir: Path) -> Path:
    return data_dir / "web-secret.key"


def ensure_secret_key(data_dir: Path) -> str:
    """The key in the file, which is made first if there is none."""
    path = secret_key_file(data_dir)
    # On PostgreSQL nothing else may have made the data directory yet.
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made before, or by another process just now
        return path.read_text(encoding="ascii").strip()
    key = secrets.token_urlsafe(50)
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(key + "\n")
        file.flush()
        os.fsync(file.fileno())
    return key
