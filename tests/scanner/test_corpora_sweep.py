"""Every file of the shared real-world corpora goes through extraction without a crash.

The corpora (../shared/corpora from the repository root; see its README.md) are files written
by other projects: malformed, encrypted and hostile ones included.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from scanner.extract import UnsupportedType, extract
from scanner.filetype import FileType
from scanner.limits import ScanLimits
from scanner.segments import Extraction

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
# The sweep checks what each file is read as, not how fast: on a loaded machine (the suite's
# two workers beside other work) an image's OCR passed the default 10 s and made real mail
# unscannable for its time, a failure that said nothing about its structure.
LIMITS = replace(ScanLimits(), ocr_timeout_seconds=120.0)

# Files that are a type confide does not read, so extract raises UnsupportedType.
UNSUPPORTED = {
    "mime/mail-parser/mail_outlook_1": "an Outlook .msg file (OLE2), not an RFC 5322 message",
}

# PDFs that need a password we do not have (README.md lists them with a user password).
NEEDS_PASSWORD = {
    "pdf/py-pdf-sample-files/libreoffice-writer-password.pdf",
    "pdf/pypdf-resources/r2-user-password.pdf",
    "pdf/pypdf-resources/r4-aes-user-password.pdf",
    "pdf/pypdf-resources/r6-both-passwords.pdf",
}

# Encrypted PDFs that open without a password and must be read, with text their pages hold.
OPENS_WITHOUT_PASSWORD = {
    # Owner password only: the empty user password opens them.
    "pdf/pypdf-resources/r2-owner-password.pdf": "pdf encryption test",
    "pdf/pypdf-resources/r4-owner-password.pdf": "pdf encryption test",
    "pdf/pypdf-resources/r6-owner-password.pdf": "pdf encryption test",
    # Listed with a user password, but made with `qpdf --encrypt asdfzxcv "" 256` (pypdf's
    # tests/test_encryption.py): its owner password is empty, so any PDF tool opens it.
    "pdf/pypdf-resources/r6-user-password.pdf": "pdf encryption test",
    # Encrypted with an empty password but no /ID in the trailer (pypdf issue 608). Its pages
    # hold no text (one is an image).
    "pdf/pypdf-resources/encrypted_doc_no_id.pdf": "",
}

# Messages with a multipart whose parts the stdlib parser could not find (no boundary, or a
# boundary that never appears). Another mail program may find parts in them, so they are
# unscannable. All but msg_43 are test cases for broken MIME (CPython's, and mail-parser's
# "malformed on purpose" ones); msg_43 is a 2004 bounce quoting a cut-off original.
PARTS_NOT_FOUND = {
    "mime/cpython/msg_15.txt",
    "mime/cpython/msg_17.txt",
    "mime/cpython/msg_25.txt",
    "mime/cpython/msg_31.txt",
    "mime/cpython/msg_39.txt",
    "mime/cpython/msg_41.txt",
    "mime/cpython/msg_42.txt",
    "mime/cpython/msg_43.txt",
    "mime/mail-parser/mail_malformed_1",
    "mime/mail-parser/mail_malformed_2",
    "mime/mail-parser/mail_malformed_3",
}
# Reasons that are about a part confide does not read, not about the message's structure.
_PART_REASONS = (
    "is of a type confide cannot read",
    "has no text layer (scanned image)",
    "could not be opened as an image",  # a damaged image part (the corpora have truncated JPEGs)
    "the text of the image could not be read",
)

_NOT_CORPUS = {"README.md", "SHA256SUMS"}


def _corpus_files() -> list[str]:
    if not CORPORA.is_dir():
        return []
    return sorted(
        path.relative_to(CORPORA).as_posix()
        for path in CORPORA.rglob("*")
        if path.is_file() and path.name not in _NOT_CORPUS
    )


FILES = _corpus_files()
needs_corpora = pytest.mark.skipif(
    not FILES, reason=f"the shared corpora are not present at {CORPORA}"
)


@needs_corpora
@pytest.mark.parametrize("name", FILES or ["(none)"])
def test_corpus_file_extracts(name: str) -> None:
    """The file gives an Extraction, or UnsupportedType when it is a type confide does not read."""
    data = (CORPORA / name).read_bytes()
    if name in UNSUPPORTED:
        with pytest.raises(UnsupportedType):
            extract(data, LIMITS)
        return
    extraction = extract(data, LIMITS)
    assert isinstance(extraction, Extraction)
    assert extraction.kind != "unknown"
    if name in NEEDS_PASSWORD:
        assert extraction.unscannable == ("encrypted PDF: the document needs a password to open",)
        assert extraction.segments == ()
    if name in OPENS_WITHOUT_PASSWORD:
        assert all("encrypted" not in reason for reason in extraction.unscannable)
        pages = "".join(s.text for s in extraction.segments if s.location.startswith("page "))
        assert OPENS_WITHOUT_PASSWORD[name] in pages


@needs_corpora
@pytest.mark.parametrize(
    "name", sorted(NEEDS_PASSWORD | set(OPENS_WITHOUT_PASSWORD) | set(UNSUPPORTED))
)
def test_named_corpus_files_exist(name: str) -> None:
    """The files the expectations above name are in the corpora (the lists are not stale)."""
    assert (CORPORA / name).is_file()


@needs_corpora
@pytest.mark.parametrize("name", [name for name in FILES if name.startswith("mime/")] or ["(none)"])
def test_corpus_messages_are_held_only_for_structure_not_found(name: str) -> None:
    """Read as the relay reads them, only the messages whose parts were not found are
    unscannable for their structure; the other messages, real mail among them, are not."""
    extraction = extract((CORPORA / name).read_bytes(), LIMITS, kind=FileType.EMAIL)
    structural = [r for r in extraction.unscannable if not any(p in r for p in _PART_REASONS)]
    if name in PARTS_NOT_FOUND:
        assert structural
        assert all("multipart whose parts could not be found" in r for r in structural)
    else:
        assert structural == []


@needs_corpora
@pytest.mark.parametrize("name", sorted(PARTS_NOT_FOUND))
def test_named_messages_exist(name: str) -> None:
    """The messages PARTS_NOT_FOUND names are in the corpora (the list is not stale)."""
    assert (CORPORA / name).is_file()
