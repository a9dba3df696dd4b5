"""Transforms a relay applies to an outbound message (raw RFC 5322 bytes) for one recipient.

``with_headers`` adds confide's own header fields, ``with_banner`` marks the message and its
documents CONFIDENTIAL, and ``redacted`` removes what detection found. Each takes bytes and
returns bytes. What cannot be done safely raises ``TransformError``, whose reason never
contains message text; the caller holds that copy of the message.
"""

from __future__ import annotations

from scanner.transform._error import TransformError
from scanner.transform._headers import with_headers

__all__ = ["TransformError", "with_headers"]
