"""What a file is, judged from its bytes alone.

A name or a declared content type is what the sender says; the bytes are what the recipient
gets. ``invoice.txt`` that starts with ``%PDF-`` is read as a PDF, and an attachment labelled
``application/pkcs7-signature`` that is really a .docx is read as a .docx.
"""

from __future__ import annotations

import io
import re
import zipfile
from enum import Enum


class FileType(Enum):
    """A kind of file, with the words used for it in reasons and errors."""

    EMAIL = "email message"
    DOCX = "Word document (.docx)"
    XLSX = "Excel workbook (.xlsx)"
    CSV = "CSV table"
    PDF = "PDF document"
    HTML = "HTML document"
    TEXT = "text"
    ENCRYPTED_OFFICE = "password-protected Office document (.docx, .xlsx, .pptx)"
    DAMAGED_DOCX = "damaged Word document (.docx)"
    OOXML = "Office document other than Word (.xlsx, .pptx ...)"
    ZIP = "zip archive"
    ARCHIVE = "compressed archive"
    OLE = "legacy Office file (.doc, .xls, .ppt) or Outlook .msg"
    IMAGE = "image"
    EXECUTABLE = "executable program"
    BINARY = "binary file of unknown type"

    @property
    def label(self) -> str:
        """The words for this kind of file."""
        return self.value

    @property
    def with_article(self) -> str:
        """The words for this kind of file after "a" or "an", as it is spoken ("an email
        message", "an HTML document", "a Word document")."""
        label = self.value
        spoken_vowel = label[0] in "aeiouAEIOU" or label.startswith("HTML")
        return f"{'an' if spoken_vowel else 'a'} {label}"

    @property
    def readable(self) -> bool:
        """Whether confide can read text out of this kind of file."""
        return self in _READABLE


_READABLE = frozenset(
    {
        FileType.EMAIL,
        FileType.DOCX,
        FileType.XLSX,
        FileType.PDF,
        FileType.HTML,
        FileType.TEXT,
        FileType.CSV,
    }
)

# PDF readers accept the header anywhere in the first kilobyte (junk before it is common).
_PDF_HEADER_WINDOW = 1024
# How much of the start of a file the text and header checks look at.
_SAMPLE_BYTES = 64 * 1024
# A file is text if it is valid UTF-8 or at least this share of its sample is printable.
_MIN_PRINTABLE_SHARE = 0.95

_MAGIC: tuple[tuple[bytes, FileType], ...] = (
    (b"%PDF-", FileType.PDF),
    (b"\x89PNG\r\n\x1a\n", FileType.IMAGE),
    (b"\xff\xd8\xff", FileType.IMAGE),
    (b"GIF87a", FileType.IMAGE),
    (b"GIF89a", FileType.IMAGE),
    (b"II*\x00", FileType.IMAGE),
    (b"MM\x00*", FileType.IMAGE),
    (b"MZ", FileType.EXECUTABLE),
    (b"\x7fELF", FileType.EXECUTABLE),
    (b"\xcf\xfa\xed\xfe", FileType.EXECUTABLE),
    (b"\x1f\x8b", FileType.ARCHIVE),
    (b"Rar!\x1a\x07", FileType.ARCHIVE),
    (b"7z\xbc\xaf\x27\x1c", FileType.ARCHIVE),
)
# The sizes of the BMP info headers (BITMAPCOREHEADER ... BITMAPV5HEADER).
_BMP_HEADER_SIZES = frozenset({12, 16, 40, 52, 56, 64, 108, 124})
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

# Header fields that mark the top of an RFC 5322 message (one of them must be present).
_MESSAGE_FIELDS = frozenset(
    {
        b"from",
        b"to",
        b"cc",
        b"subject",
        b"date",
        b"received",
        b"return-path",
        b"mime-version",
        b"message-id",
        b"delivered-to",
        b"reply-to",
        b"sender",
        b"content-type",
    }
)
_HEADER_LINE = re.compile(rb"([!-9;-~]+)[ \t]*:")
# The stdlib email parser splits lines on these alone (``str.splitlines`` splits on more).
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
# An encrypted Office document (ECMA-376 agile or standard encryption, MS-OFFCRYPTO) is an OLE
# compound file holding these two streams; directory entry names are UTF-16LE, NUL-ended.
_ENCRYPTED_OFFICE_STREAMS = tuple(
    name.encode("utf-16-le") + b"\x00\x00" for name in ("EncryptionInfo", "EncryptedPackage")
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Entry names of a Word document's parts, as they appear in a zip's local file headers.
_WORD_PART_PREFIX = b"word/"
_LOCAL_HEADER = re.compile(rb"PK\x03\x04.{22}(..)..", re.DOTALL)


def sniff(data: bytes) -> FileType:
    """The type of ``data``, from magic numbers and structure; never raises."""
    by_signature = _by_signature(data)
    return by_signature if by_signature is not None else _by_content(data)


def readings(data: bytes) -> tuple[FileType, ...]:
    """Every type ``data`` could be read as, the sniffed type first; never raises.

    A magic number is certain. A message is known only by its header block, and text can look
    the same, so each can be the other: what sniffs as a message is also text (reading it as a
    message alone skips header fields and text outside its parts), and text whose top lines
    are header fields (a header block longer than the sample, a line that ends it early) may be
    a message (reading it as text alone leaves base64 parts encoded).
    """
    file_type = sniff(data)
    if file_type is FileType.EMAIL:
        return (FileType.EMAIL, FileType.TEXT)
    if file_type is FileType.TEXT and _might_be_message(data[:_SAMPLE_BYTES]):
        return (FileType.TEXT, FileType.EMAIL)
    return (file_type,)


def _by_signature(data: bytes) -> FileType | None:
    if data.startswith(_ZIP_SIGNATURES):
        return _zip_type(data)
    if data.startswith(_OLE_MAGIC):
        encrypted = all(name in data for name in _ENCRYPTED_OFFICE_STREAMS)
        return FileType.ENCRYPTED_OFFICE if encrypted else FileType.OLE
    for magic, file_type in _MAGIC:
        if data.startswith(magic):
            return file_type
    if (data.startswith(b"RIFF") and data[8:12] == b"WEBP") or _is_bmp(data):
        return FileType.IMAGE
    # Checked after the magic numbers at the start: a zip whose first entry is a stored PDF
    # is a zip.
    if b"%PDF-" in data[:_PDF_HEADER_WINDOW]:
        return FileType.PDF
    return None


def _is_bmp(data: bytes) -> bool:
    """A Windows bitmap: "BM", reserved bytes that are zero, and a known header size (two
    letters alone would make text that starts "BM" an image)."""
    header_size = int.from_bytes(data[14:18], "little")
    return data.startswith(b"BM") and data[6:10] == bytes(4) and header_size in _BMP_HEADER_SIZES


def _by_content(data: bytes) -> FileType:
    sample = data[:_SAMPLE_BYTES]
    if _looks_like_message(sample):
        return FileType.EMAIL
    if _looks_like_html(sample):
        return FileType.HTML
    if _looks_like_text(sample, truncated=len(data) > len(sample)):
        return FileType.TEXT
    return FileType.BINARY


def _zip_type(data: bytes) -> FileType:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except Exception:  # noqa: BLE001 - a damaged directory: judged by the entries' own headers
        return FileType.DAMAGED_DOCX if _has_word_parts(data) else FileType.ZIP
    if "word/document.xml" in names:
        return FileType.DOCX
    if any(name.startswith("word/") for name in names):
        return FileType.DAMAGED_DOCX  # Word's parts without its main one
    if "xl/workbook.xml" in names:
        return FileType.XLSX
    if "[Content_Types].xml" in names:
        return FileType.OOXML
    return FileType.ZIP


def _has_word_parts(data: bytes) -> bool:
    """Whether a zip whose directory cannot be read (a truncated .docx) has entries under
    ``word/``, judged from the local file headers that precede each entry."""
    for header in _LOCAL_HEADER.finditer(data):
        name_length = int.from_bytes(header.group(1), "little")
        start = header.end()  # the name follows the 30-byte header
        if data[start : start + name_length].startswith(_WORD_PART_PREFIX):
            return True
    return False


def _header_block(sample: bytes) -> tuple[frozenset[bytes], bool]:
    """The field names at the top of ``sample``, read as the stdlib parser reads a message,
    and whether an empty line ends them (rather than a line that is not a header field, or the
    end of the sample).

    As in the parser, lines that start with a space or tab continue a field (at the very top
    they are dropped), and an mbox ``From`` line may come first.
    """
    lines = _LINE_BREAK.split(sample)
    if lines and lines[0].startswith(b"From "):  # an mbox separator line
        lines = lines[1:]
    names: set[bytes] = set()
    for line in lines:
        if not line:
            return frozenset(names), True
        if line[:1] in (b" ", b"\t"):
            continue
        field = _HEADER_LINE.match(line)
        if field is None:
            break
        names.add(field.group(1).lower())
    return frozenset(names), False


def _looks_like_message(sample: bytes) -> bool:
    """Header fields at the top, one of them a message's, up to an empty line."""
    names, ended = _header_block(sample)
    return ended and bool(names & _MESSAGE_FIELDS)


def _might_be_message(sample: bytes) -> bool:
    """Header fields at the top, one of them a message's, however the block ends."""
    names, _ = _header_block(sample)
    return bool(names & _MESSAGE_FIELDS)


def _looks_like_html(sample: bytes) -> bool:
    head = sample.removeprefix(b"\xef\xbb\xbf").lstrip()[:1024].lower()
    return head.startswith((b"<!doctype html", b"<html")) or (
        head.startswith((b"<!--", b"<?xml", b"<head", b"<body")) and b"<html" in head
    )


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when ``data`` looks like UTF-16 text without a byte order
    mark (mostly Latin text: every other byte is zero), else ``None``."""
    sample = data[:_SAMPLE_BYTES]
    pairs = len(sample) // 2
    if pairs == 0:
        return None
    zero_even = sample[0::2].count(0)
    zero_odd = sample[1::2].count(0)
    for encoding, zero_high, zero_low in (
        ("utf-16-le", zero_odd, zero_even),
        ("utf-16-be", zero_even, zero_odd),
    ):
        if zero_high >= _MIN_PRINTABLE_SHARE * pairs and zero_low == 0:
            return encoding
    return None


def _looks_like_text(sample: bytes, *, truncated: bool) -> bool:
    if not sample or sample.startswith(_BOMS) or utf16_without_bom(sample):
        return True
    if b"\x00" in sample:
        return False
    # The sample may end inside a multi-byte character; allow up to three trailing bytes.
    for cut in range(4 if truncated else 1):
        try:
            sample[: len(sample) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return True
    printable = sum(1 for byte in sample if byte >= 0x20 or byte in b"\t\n\r\f\b\x1b")
    return printable >= _MIN_PRINTABLE_SHARE * len(sample)


# A detached signature's kinds, by the content type a multipart/signed names (RFC 1847): a
# CMS SignedData (S/MIME, RFC 8551; "x-" as older programs write it) or an OpenPGP signature
# in ASCII armour (RFC 3156).
_CMS_SIGNATURES = frozenset({"application/pkcs7-signature", "application/x-pkcs7-signature"})
_PGP_SIGNATURE = "application/pgp-signature"
# The ContentInfo's type that says SignedData: OID 1.2.840.113549.1.7.2, as DER writes it.
_SIGNED_DATA = bytes.fromhex("06092a864886f70d010702")
_SEQUENCE, _SET, _INTEGER, _OID, _CONTENT = 0x30, 0x31, 0x02, 0x06, 0xA0
# How deep a signature's BER may nest (certificates nest about ten levels).
_MAX_BER_DEPTH = 64
_PGP_ARMOUR = re.compile(
    r"-----BEGIN PGP SIGNATURE-----\r?\n"
    r"(?:(?:Version|Hash|Charset): [^\r\n]*\r?\n)*\r?\n"  # armour headers, then an empty line
    r"(?:[A-Za-z0-9+/=]+\r?\n)+"
    r"-----END PGP SIGNATURE-----\s*",
)


def is_detached_signature(data: bytes, content_type: str) -> bool:
    """Whether ``data`` is a detached signature of the kind ``content_type`` names and
    nothing else: a CMS SignedData whose signed content is left out ("detached": it is the
    multipart/signed's first part), in DER or BER, with nothing after it; or an OpenPGP
    signature in ASCII armour with no armour header but Version, Hash and Charset (a Comment
    could say anything). What it holds besides (the signer's certificates and the signature
    itself) is written by programs, not people."""
    if content_type in _CMS_SIGNATURES:
        return _detached_signed_data(data)
    if content_type == _PGP_SIGNATURE:
        try:
            text = data.decode("ascii")
        except UnicodeDecodeError:
            return False
        return _PGP_ARMOUR.fullmatch(text.lstrip()) is not None
    return False


def _detached_signed_data(data: bytes) -> bool:
    """ContentInfo { signedData, [0] SignedData { version, digestAlgorithms,
    encapContentInfo { eContentType } (no eContent), ... } } filling ``data`` (RFC 5652)."""
    info = _inside_only(data, _children(data, 0, len(data)), _SEQUENCE)
    if info is None or len(info) != 2 or data[info[0][0] : info[0][1]] != _SIGNED_DATA:
        return False
    signed = _inside_only(data, _inside(data, info[1]), _SEQUENCE)
    if data[info[1][0]] != _CONTENT or signed is None or len(signed) < 4:
        return False
    if tuple(data[start] for start, _ in signed[:3]) != (_INTEGER, _SET, _SEQUENCE):
        return False
    content = _inside(data, signed[2])  # encapContentInfo: its type alone
    return content is not None and len(content) == 1 and data[content[0][0]] == _OID


def _inside_only(
    data: bytes, elements: list[tuple[int, int]] | None, tag: int
) -> list[tuple[int, int]] | None:
    """The elements inside the one element of ``elements`` when it is the only one and has
    ``tag``, or ``None``."""
    if elements is None or len(elements) != 1 or data[elements[0][0]] != tag:
        return None
    return _inside(data, elements[0])


def _inside(data: bytes, element: tuple[int, int]) -> list[tuple[int, int]] | None:
    """The elements inside the constructed ``element`` (its start and end), or ``None``."""
    start, end = element
    header = _header(data, start)
    if header is None or not data[start] & 0x20:
        return None
    content, length = header
    stop = end - 2 if length is None else end  # an indefinite length ends with two zeros
    return _children(data, content, stop)


def _children(data: bytes, start: int, end: int, depth: int = 0) -> list[tuple[int, int]] | None:
    """(start, end) of each BER element from ``start`` to exactly ``end``, or ``None``."""
    found = []
    at = start
    while at < end:
        element_end = _end(data, at, depth)
        if element_end is None or element_end > end:
            return None
        found.append((at, element_end))
        at = element_end
    return found


def _end(data: bytes, at: int, depth: int) -> int | None:
    """Where the BER element at ``at`` ends, or ``None`` if it is damaged or nests too deep."""
    header = _header(data, at)
    if header is None or depth > _MAX_BER_DEPTH:
        return None
    content, length = header
    if length is not None:
        return content + length if content + length <= len(data) else None
    if not data[at] & 0x20:
        return None  # only a constructed element may have an indefinite length
    while data[content : content + 2] != b"\x00\x00":
        following = _end(data, content, depth + 1)
        if following is None:
            return None
        content = following
    return content + 2


def _header(data: bytes, at: int) -> tuple[int, int | None] | None:
    """Where the content of the BER element at ``at`` starts, and its length (``None`` when
    indefinite); ``None`` if the header is damaged."""
    if at + 2 > len(data):
        return None
    position = at + 1
    if data[at] & 0x1F == 0x1F:  # a tag number in several bytes
        while position < len(data) and data[position] & 0x80:
            position += 1
        position += 1
    if position >= len(data):
        return None
    first = data[position]
    position += 1
    if first < 0x80:
        return position, first
    if first == 0x80:
        return position, None
    count = first & 0x7F
    if count > 4 or position + count > len(data):
        return None
    return position + count, int.from_bytes(data[position : position + count], "big")
