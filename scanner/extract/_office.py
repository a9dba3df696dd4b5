"""Office documents that cannot be read: password-protected ones and damaged .docx files.

Both are results, not errors: the item is unscannable with a reason that says why, so the
policy holds it. A password-protected .docx, .xlsx or .pptx is not a zip but an OLE compound
file whose ``EncryptedPackage`` stream holds the encrypted document (MS-OFFCRYPTO); without the
password nothing in it can be read.
"""

from __future__ import annotations

import io
import zipfile

from scanner.extract._context import ExtractionContext
from scanner.extract._docx import read_docx


def read_encrypted_office(data: bytes, context: ExtractionContext) -> None:
    """Report a password-protected Office document; there is nothing to read without it."""
    who = context.here("the document")
    context.unscannable(f"encrypted Office document: {who} needs a password to open")


def read_damaged_docx(data: bytes, context: ExtractionContext) -> None:
    """Report a damaged .docx, and read whatever parts of it can still be read."""
    who = context.here("the document")
    try:
        zipfile.ZipFile(io.BytesIO(data)).close()
    except Exception as error:  # noqa: BLE001 - every way a zip directory can be broken
        context.unscannable(
            f"damaged Word document: {who} could not be opened "
            f"(its zip directory is missing or broken: {type(error).__name__})"
        )
        return
    context.unscannable(f"damaged Word document: {who} has no main document part")
    read_docx(data, context)
