"""Bytes to text when the declared charset is missing, wrong or unknown.

Extraction reads every format's text with it, and the transforms decode a part the same way
before they rewrite it, so both see the same text.

A declared charset is of one of two sorts. The single-byte charsets that extend ASCII
(``us-ascii``, ``iso-8859-*``, ``windows-125*``) are often declared for text that is really
UTF-8, and reading such text as UTF-8 shows what the writer meant: for these, valid UTF-8
wins. Every other charset (``iso-2022-jp``, ``utf-7``, ``shift_jis``, ``utf-16`` ...) is
*exact*: it changes what ASCII bytes mean, or how bytes group into characters, and a mail
program decodes with it whatever the bytes look like, so confide does too
(``charset_problem`` says when that decoding cannot be trusted).
"""

from __future__ import annotations

import codecs

from scanner.filetype import utf16_without_bom

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Codec names (as ``codecs.lookup`` gives them) of the charsets for which valid UTF-8 wins:
# ASCII and its single-byte extensions, and UTF-8 itself.
_GUESSABLE = frozenset(
    {
        "ascii", "utf-8", "latin-1", "iso8859-1", "cp437", "cp850", "cp858", "cp874",
        "mac-roman", "koi8-r", "koi8-u", "tis-620",
        *(f"iso8859-{n}" for n in range(2, 17)),
        *(f"cp{n}" for n in range(1250, 1259)),
    }
)  # fmt: skip
# Names mail programs write that Python does not know, for charsets it does, and the East
# Asian charsets that browsers and mail programs decode as their supersets (the WHATWG
# Encoding Standard's labels: gb2312 is read as GB18030, shift_jis as Windows-31J ...);
# names that say the charset is not known are read as if undeclared.
_ALIASES = {
    **dict.fromkeys(("gb2312", "gb_2312-80", "gbk", "x-gbk", "chinese", "csgb2312"), "gb18030"),
    **dict.fromkeys(("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji"), "cp932"),
    **dict.fromkeys(("euc-kr", "ks_c_5601-1987", "ks_c_5601", "korean"), "cp949"),
    "big5": "big5hkscs",
    "windows-874": "cp874",
    "iso-8859-6-i": "iso8859-6",
    "iso-8859-6-e": "iso8859-6",
    "iso-8859-8-i": "iso8859-8",
    "iso-8859-8-e": "iso8859-8",
    "x-mac-roman": "mac-roman",
}
_NOT_CHARSETS = frozenset(
    {"undefined", "unicode-escape", "raw-unicode-escape", "idna", "punycode", "mbcs", "oem"}
)
_UNDECLARED = frozenset({"unknown-8bit", "x-unknown", "unknown", "default", "x-user-defined"})


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode ``data``; never raises.

    A byte order mark wins (and is not part of the text), then UTF-16 that looks like it.
    An exact declared charset (see the module) is then used, with replacement characters
    where the bytes are not valid in it, as a mail program shows them. Otherwise UTF-8 when
    the bytes are valid UTF-8 with non-ASCII characters (mail that says ``us-ascii`` or
    ``iso-8859-1`` but is UTF-8 is common), then the declared charset, then UTF-8, cp1252
    and finally latin-1, which never fails.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    utf16 = utf16_without_bom(data)
    if utf16 is not None:
        return data.decode(utf16, errors="replace")
    codec = _codec(declared)
    if codec is not None and codec not in _GUESSABLE:
        return data.decode(codec, errors="replace")
    candidates = ["utf-8"] if not data.isascii() else []
    if codec is not None:
        candidates.append(codec)
    candidates += ["utf-8", "cp1252"]
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except ValueError:  # UnicodeDecodeError is a ValueError
            continue
    return data.decode("latin-1")


def exact_charset(declared: str | None) -> bool:
    """Whether ``declared`` names a charset that text is decoded with whatever its bytes look
    like, or one confide does not know (see the module)."""
    if not declared or declared.strip().lower() in _UNDECLARED:
        return False
    codec = _codec(declared)
    return codec is None or codec not in _GUESSABLE


def charset_problem(data: bytes, declared: str | None) -> str | None:
    """Why the text ``data`` cannot be read reliably with its ``declared`` charset, in words
    that never hold the charset's name (a sender writes it), or ``None``.

    A charset confide does not know leaves the text unread; so do bytes that are not valid in
    an exact charset (``decode_text`` then shows them as a mail program would, but a program
    that guesses another charset may show something else).
    """
    if not exact_charset(declared) or data.startswith(tuple(bom for bom, _ in _BOMS)):
        return None
    codec = _codec(declared)
    if codec is None:
        return "declares a character set confide does not know; its text could not be decoded"
    try:
        data.decode(codec)
    except ValueError:
        return (
            "has bytes that are not valid in its declared character set; its text could not "
            "be decoded reliably"
        )
    return None


def _codec(declared: str | None) -> str | None:
    """The codec name for ``declared``, or ``None`` when it is absent, says "unknown", or is a
    charset Python does not know."""
    if not declared:
        return None
    name = declared.strip().lower()
    if name in _UNDECLARED:
        return None
    try:
        info = codecs.lookup(_ALIASES.get(name, name))
    except LookupError:
        return None
    # Python's codecs also turn bytes into bytes (base64, zlib) or read its own escapes;
    # no mail program knows those as charsets.
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    return info.name
