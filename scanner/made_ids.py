"""The ids confide makes for a redacted copy (its Message-ID, its multipart boundaries), and
their exact forms, which the safety net leaves unread (``scanner.header_fields``).

They are random letters only: a scan reading them finds no number, and no name, in them.
"""

from __future__ import annotations

import re
import secrets
import string

_LETTERS = string.ascii_lowercase
_RANDOM_LETTERS = 26  # about 122 bits, as many as a random UUID
MESSAGE_ID = re.compile(rf"<[a-z]{{{_RANDOM_LETTERS}}}@redacted\.confide\.invalid>")
BOUNDARY = re.compile(rf"confide-[a-z]{{{_RANDOM_LETTERS}}}")


def new_message_id() -> str:
    """A Message-ID of the form ``MESSAGE_ID``."""
    return f"<{_random_letters()}@redacted.confide.invalid>"


def new_boundary() -> str:
    """A multipart boundary of the form ``BOUNDARY``."""
    return f"confide-{_random_letters()}"


def _random_letters() -> str:
    return "".join(secrets.choice(_LETTERS) for _ in range(_RANDOM_LETTERS))
