"""A document under construction whose labels are recorded as the values are written.

A piece of a document is plain text (``str``), a labelled value (``Val``) or a sequence of
pieces (a ``tuple``). ``Doc.add`` appends pieces and records each labelled value's offsets at
the moment it is written, so a label can never drift from its text. ``quote`` and ``wrap``
reshape a finished document and carry its spans with it.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class Val:
    """A value that is personal data of one type, written exactly as ``text``."""

    type: str
    text: str


Piece = Union[str, Val, "Doc", tuple["Piece", ...]]


class Doc:
    def __init__(self) -> None:
        self._parts: list[str] = []
        self.spans: list[tuple[int, int, str]] = []
        self._length = 0

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def add(self, *pieces: Piece) -> Doc:
        for piece in pieces:
            self._add(piece)
        return self

    def fmt(self, template: str, **values: Piece) -> Doc:
        """Append ``template`` with each ``{field}`` replaced by the piece of that name."""
        for literal, field, _spec, _conv in string.Formatter().parse(template):
            self._add(literal)
            if field is not None:
                self._add(values[field])
        return self

    def _add(self, piece: Piece) -> None:
        if isinstance(piece, str):
            self._parts.append(piece)
            self._length += len(piece)
        elif isinstance(piece, Val):
            if piece.text != piece.text.strip() or not piece.text:
                raise ValueError(f"a labelled value must not start or end with space: {piece}")
            self.spans.append((self._length, self._length + len(piece.text), piece.type))
            self._parts.append(piece.text)
            self._length += len(piece.text)
        elif isinstance(piece, Doc):
            self.spans.extend((s + self._length, e + self._length, t) for s, e, t in piece.spans)
            text = piece.text
            self._parts.append(text)
            self._length += len(text)
        else:
            for part in piece:
                self._add(part)


def _mapped(piece: Piece, change: Callable[[str], str]) -> Piece:
    if isinstance(piece, str):
        return change(piece)
    if isinstance(piece, Val):
        return Val(piece.type, change(piece.text))
    if isinstance(piece, Doc):
        raise TypeError("map the pieces before they become a Doc")
    return tuple(_mapped(p, change) for p in piece)


def lower(piece: Piece) -> Piece:
    """The piece in lower case, labels kept (as in a text message typed without capitals)."""
    return _mapped(piece, str.lower)


def upper(piece: Piece) -> Piece:
    return _mapped(piece, str.upper)


def quote(doc: Doc, prefix: str = "> ") -> Doc:
    """The document as a quoted reply block: ``prefix`` before every line, spans carried.

    A span that crossed a line break now holds the prefix of the next line too, as it does
    in a real quoted reply.
    """
    text = doc.text
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def moved(offset: int, *, is_end: bool) -> int:
        # Lines that start at or before ``offset`` each gained a prefix (for an end offset,
        # only those strictly before it: the span ends before the next line's prefix).
        count = sum(1 for s in line_starts if (s < offset if is_end else s <= offset))
        return offset + count * len(prefix)

    out = Doc()
    out._parts = [prefix + text.replace("\n", "\n" + prefix)]
    out._length = len(out._parts[0])
    out.spans = [(moved(s, is_end=False), moved(e, is_end=True), t) for s, e, t in doc.spans]
    return out


def wrap(doc: Doc, width: int) -> Doc:
    """Break lines longer than ``width`` at spaces, as a mail client does; spans keep offsets.

    Only spaces become line breaks, so no offset moves; a value may end up across two lines.
    """
    chars = list(doc.text)
    line_start = 0
    last_space = -1
    i = 0
    while i < len(chars):
        if chars[i] == "\n":
            line_start, last_space = i + 1, -1
        elif chars[i] == " ":
            if i - line_start > width and last_space > line_start:
                chars[last_space] = "\n"
                line_start = last_space + 1
                last_space = -1
                continue  # look at this space again on the new line
            last_space = i
        i += 1
    out = Doc()
    out._parts = ["".join(chars)]
    out._length = len(chars)
    out.spans = list(doc.spans)
    return out
