"""Office packages (.docx, .xlsx) as extraction and the transforms open them.

The zip directory is checked before any entry is inflated (``refusal``: a zip bomb is refused
unopened), XML parts are parsed without DTDs, entities or network, and WordprocessingML
elements are named in both of its namespaces (``w``).
"""

from __future__ import annotations

import zipfile

from lxml import etree

from scanner.filetype import FileType, sniff
from scanner.limits import MIB, ScanLimits

# Word writes two namespaces: Transitional (almost every file) and Strict.
W_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
)
# A compression ratio is only telling for a big entry: small XML parts full of repeated markup
# compress well past any sane bound and can do no harm at their size.
_RATIO_CHECKED_FROM_BYTES = 1 * MIB
# No DTDs, no entity expansion, no network; lxml's default size and depth limits stay on.
XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)


def w(*names: str) -> frozenset[str]:
    """The tags of WordprocessingML elements ``names``, in both namespaces."""
    return frozenset(f"{{{ns}}}{name}" for ns in W_NAMESPACES for name in names)


PARAGRAPH = w("p")

# Entries that are parts (XML) by their names, never pictures.
_PART_ENDINGS = (".xml", ".rels")
# Bytes enough to tell an image by its signature (``filetype.sniff``).
_SIGNATURE_BYTES = 64


# The package's thumbnail: the program's picture of the first page, read with OCR as every
# picture is. A redacted copy never keeps it, whatever OCR read in it (``is_thumbnail``).
_THUMBNAIL = "docprops/thumbnail."


def is_thumbnail(name: str) -> bool:
    """Whether the entry ``name`` is the package's thumbnail of its first page."""
    return name.lower().startswith(_THUMBNAIL)


def is_picture(name: str, archive: zipfile.ZipFile) -> bool:
    """Whether the entry ``name`` is a raster image (PNG, JPEG, GIF, TIFF, BMP, WebP) by its
    bytes, wherever it sits: what extraction reads with OCR, and redaction blanks when it
    shows a value."""
    if name.lower().endswith(_PART_ENDINGS) or name.endswith("/"):
        return False
    with archive.open(name) as entry:
        return sniff(entry.read(_SIGNATURE_BYTES)) is FileType.IMAGE


def refusal(archive: zipfile.ZipFile, limits: ScanLimits) -> str | None:
    """Why the archive must not be opened (a reason in plain words), or ``None``.

    Judged from the central directory alone. Python's zipfile never inflates an entry past the
    size its directory declares, so the declared sizes bound the work.
    """
    entries = archive.infolist()
    if len(entries) > limits.max_docx_entries:
        return f"it has {len(entries)} zip entries (limit {limits.max_docx_entries})"
    total = sum(entry.file_size for entry in entries)
    if total > limits.max_docx_uncompressed_bytes:
        return (
            f"it would expand to {total // MIB} MiB "
            f"(limit {limits.max_docx_uncompressed_bytes // MIB} MiB)"
        )
    for entry in entries:
        if entry.file_size < _RATIO_CHECKED_FROM_BYTES:
            continue
        ratio = entry.file_size / max(entry.compress_size, 1)
        if ratio > limits.max_docx_compression_ratio:
            return (
                f"an entry is compressed {ratio:.0f}:1 "
                f"(limit {limits.max_docx_compression_ratio}:1), like a zip bomb"
            )
    return None


def duplicate_name(archive: zipfile.ZipFile) -> str | None:
    """An entry name the zip holds twice, letter case aside, or ``None``.

    Python's zipfile reads only the last of two same-named entries and Word may pick either,
    so the one not read could carry anything out unseen.
    """
    seen: set[str] = set()
    for info in archive.infolist():
        folded = info.filename.casefold()
        if folded in seen:
            return info.filename
        seen.add(folded)
    return None
