"""Text segments: extracted text that remembers where it came from."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Segment:
    """One run of text to scan, and where in the item it was found.

    ``text`` is the normalised text handed to detection. ``source_offsets`` maps it back to the
    text as it was extracted: ``source_offsets[i]`` is the index in the source text of
    ``text[i]``, with one extra entry for the end. It is ``None`` when normalisation changed
    nothing, so offsets are the same in both.
    """

    text: str
    location: str
    source_offsets: tuple[int, ...] | None = field(default=None, repr=False)
    # Finer places inside the segment, for a table read from a spreadsheet or CSV: each is the
    # offset in the source text where a cell's text starts, and that cell's full location
    # ("Clients!C7", "line 7, column 3"). See ``location_at``.
    places: tuple[tuple[int, str], ...] = field(default=(), repr=False)

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the source text covering the normalised span ``text[start:end]``.

        The end is where the next character's source begins, so a span ending in a decoded
        entity ("&amp;") covers the whole entity.
        """
        if self.source_offsets is None:
            return start, end
        return self.source_offsets[start], self.source_offsets[max(start, end)]

    def location_at(self, start: int) -> str:
        """Where the source text at ``start`` was found: its cell when the segment is a
        table, else the segment's location."""
        index = bisect_right(self.places, start, key=lambda place: place[0]) - 1
        return self.places[index][1] if index >= 0 else self.location

    def from_source(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in ``text`` of the source span ``start:end``: the inverse of ``to_source``."""
        if self.source_offsets is None:
            return start, end
        offsets = self.source_offsets
        return bisect_left(offsets, start), bisect_left(offsets, end)


@dataclass(frozen=True)
class Extraction:
    """Everything read from one item (a file, a message, an attachment tree).

    ``unscannable`` lists, in plain words, each part that could not be read and why (an
    encrypted PDF, a bound that was hit). An item with any such reason must be treated as not
    fully scanned: the policy holds it.
    """

    kind: str
    segments: tuple[Segment, ...] = ()
    unscannable: tuple[str, ...] = ()

    @property
    def unscannable_reason(self) -> str | None:
        """All reasons joined for display, or ``None`` when everything was read."""
        return "; ".join(self.unscannable) if self.unscannable else None
