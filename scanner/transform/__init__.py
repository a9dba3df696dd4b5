"""Transforms a relay applies to an outbound message (raw RFC 5322 bytes) for one recipient.

``with_headers`` adds header fields (``confide_headers`` makes confide's own, ``received_field``
the trace field), ``with_banner`` marks the message and its documents CONFIDENTIAL
(``with_banner_where_possible`` leaves a document it cannot mark as it is, and says so), and
``redacted`` removes what detection found. Each takes bytes and returns bytes with CRLF line
endings. ``marked_document`` and ``redacted_document`` do the same to a document on its own
(a file in a watched folder), keeping its line endings. What cannot be done safely raises
``TransformError``, whose reason never contains message text; the caller holds that copy.
"""

from __future__ import annotations

from scanner.removals import Removal
from scanner.rules_file import DEFAULT_BANNER
from scanner.transform._banner import (
    Banner,
    Marked,
    load_banner,
    with_banner,
    with_banner_where_possible,
)
from scanner.transform._document import document_refusal, marked_document, redacted_document
from scanner.transform._error import TransformError
from scanner.transform._headers import confide_headers, received_field, with_headers
from scanner.transform._redacted_message import redacted

__all__ = [
    "DEFAULT_BANNER",
    "Banner",
    "Marked",
    "Removal",
    "TransformError",
    "confide_headers",
    "document_refusal",
    "load_banner",
    "marked_document",
    "received_field",
    "redacted",
    "redacted_document",
    "with_banner",
    "with_banner_where_possible",
    "with_headers",
]
