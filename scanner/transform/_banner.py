"""The CONFIDENTIAL banner: its wording from rules/banner.yaml, and putting it on a message.

The subject is tagged, every text body starts with the banner paragraph (HTML bodies with a
visible box), every .docx attachment gets a header line and every PDF attachment a stamp on
each page. Forwarded messages inside are marked the same way, all but their subject. A signed
part loses its signature and keeps what it signs (``unsigned``): marked, it would no longer
verify.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from scanner.filetype import FileType, sniff
from scanner.limits import ScanLimits
from scanner.rules_file import Reader, load_yaml
from scanner.transform._docx import docx_with_header
from scanner.transform._error import TransformError
from scanner.transform._mime import (
    DEFAULT_LIMITS,
    attachment_name,
    is_body,
    leaves,
    parsed,
    payload_bytes,
    rewrite_header,
    serialised,
    set_bytes,
    set_text,
    text_of,
    unsigned,
)
from scanner.transform._pdf import pdf_with_stamp

_PLACEHOLDER = "{organisation}"
_ANY_PLACEHOLDER = re.compile(r"\{[^{}\s]*\}")
_BODY_TAG = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_BOX_STYLE = (
    "border:2px solid #b00000;padding:8px 12px;margin:0 0 16px 0;"
    "color:#b00000;background:#fff;font-weight:bold"
)


@dataclass(frozen=True)
class Banner:
    """What marks a message as CONFIDENTIAL, with the organisation's name filled in."""

    subject_tag: str  # put before the subject: "[CONFIDENTIAL]"
    text: str  # the banner paragraph at the top of every text body
    document_header: str  # a header line in .docx attachments, the stamp on PDF pages


def load_banner(path: Path, organisation: str) -> Banner:
    """Read and check a banner file; raises ``RulesError`` naming the file and line."""
    top = Reader(path, load_yaml(path), "the banner file")
    top.unknown_keys({"subject_tag", "text", "document_header"})
    values: dict[str, str] = {}
    for key in ("subject_tag", "text", "document_header"):
        value = top.get(key, str).strip()
        if not value:
            raise top.fail(f"'{key}' is empty; give the words to use")
        unknown = [p for p in _ANY_PLACEHOLDER.findall(value) if p != _PLACEHOLDER]
        if unknown:
            raise top.fail(f"unknown placeholder '{unknown[0]}' in '{key}'; use {_PLACEHOLDER}")
        if key != "text" and "\n" in value:
            raise top.fail(f"'{key}' must be one line")
        values[key] = value.replace(_PLACEHOLDER, organisation)
    return Banner(**values)


def with_banner(raw: bytes, banner: Banner, limits: ScanLimits = DEFAULT_LIMITS) -> bytes:
    """``raw`` marked CONFIDENTIAL throughout (see the module docstring).

    Raises ``TransformError`` when a part cannot be marked (an encrypted PDF, a damaged
    document) or the message cannot be written back.
    """
    return _marked(raw, banner, limits, leave_unmarkable=False).content


@dataclass(frozen=True)
class Marked:
    """A message marked CONFIDENTIAL, and the documents in it that went as they were."""

    content: bytes
    # Why each document was left unmarked, naming it by number, never by its filename:
    # "the PDF attachment no. 2 is encrypted, so it cannot be stamped CONFIDENTIAL".
    left_unmarked: tuple[str, ...]


def with_banner_where_possible(
    raw: bytes, banner: Banner, limits: ScanLimits = DEFAULT_LIMITS
) -> Marked:
    """``raw`` marked as ``with_banner`` marks it, except that a document that cannot be
    marked (an encrypted PDF) goes as it is, with the reason in ``left_unmarked``.

    For a manager's release of what can never be stamped: the subject and the bodies still
    carry the banner. Raises ``TransformError`` when the message itself cannot be marked.
    """
    return _marked(raw, banner, limits, leave_unmarkable=True)


def _marked(raw: bytes, banner: Banner, limits: ScanLimits, *, leave_unmarkable: bool) -> Marked:
    message = unsigned(parsed(raw, limits))
    rewrite_header(message, "Subject", lambda subject: _tagged(subject, banner.subject_tag))
    if "Subject" not in message:
        message["Subject"] = banner.subject_tag
    attachments = 0
    left: list[str] = []
    for part in leaves(message):
        content_type = part.get_content_type()
        if is_body(part) and content_type == "text/plain":
            set_text(part, f"{banner.text}\n\n{text_of(part)}")
            continue
        if is_body(part) and content_type == "text/html":
            set_text(part, _html_with_banner(text_of(part), banner.text))
            continue
        attachments += 1
        data = payload_bytes(part)
        kind = sniff(data)
        if kind not in (FileType.DOCX, FileType.PDF):
            continue
        label = "Word" if kind is FileType.DOCX else "PDF"
        if leave_unmarkable:  # the reason is recorded: no filename in it
            who = f"the {label} attachment no. {attachments}"
        else:
            who = attachment_name(part, attachments, label)
        stamp = docx_with_header if kind is FileType.DOCX else pdf_with_stamp
        try:
            set_bytes(part, stamp(data, banner.document_header, who, limits))
        except TransformError as error:
            if not leave_unmarkable:
                raise
            left.append(str(error))
    return Marked(serialised(message), tuple(left))


def _tagged(subject: str, tag: str) -> str:
    stripped = subject.strip()
    if stripped.startswith(tag):
        return subject
    return f"{tag} {stripped}" if stripped else tag


def _html_with_banner(markup: str, text: str) -> str:
    """``markup`` with a visible box holding ``text`` right after ``<body>`` (or first)."""
    paragraphs = "".join(
        f'<p style="margin:0">{html.escape(line)}</p>' for line in text.splitlines() if line
    )
    box = f'<div style="{_BOX_STYLE}">{paragraphs}</div>'
    body = _BODY_TAG.search(markup)
    at = body.end() if body else 0
    return markup[:at] + box + markup[at:]
