"""The one contract every format reader follows, and the context it reads into."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Protocol

from scanner.extract._encoded_text import encoded_texts
from scanner.extract._formulas import unworked, worked_out
from scanner.limits import ScanLimits
from scanner.normalise import normalise
from scanner.segments import Extraction, Segment

LOCATION_SEPARATOR = " / "


class Extractor(Protocol):
    """Reads one format: adds the text of ``data`` and anything unreadable to ``context``.

    An extractor may raise; the dispatcher turns the exception into an unscannable reason that
    names the part. It should still catch what it can per part, so one bad page or attachment
    does not hide the rest.
    """

    def __call__(self, data: bytes, context: ExtractionContext, /) -> None: ...


@dataclass
class _Collected:
    """What has been read from one item so far, across every nesting level."""

    segments: list[Segment] = field(default_factory=list)
    unscannable: list[str] = field(default_factory=list)
    chars: int = 0
    mime_parts: int = 0
    text_full: bool = False
    parts_full: bool = False


@dataclass(frozen=True)
class ExtractionContext:
    """Where an extractor is in the item, and where its text and reasons go.

    ``depth`` counts containers around the current part (multiparts, forwarded messages,
    attachments, files embedded in PDFs); it is bounded by ``limits.max_mime_depth``.
    """

    limits: ScanLimits
    location: str
    depth: int
    _collected: _Collected
    _dispatch: Callable[[bytes, ExtractionContext], None]

    @classmethod
    def for_item(
        cls,
        limits: ScanLimits,
        location: str,
        dispatch: Callable[[bytes, ExtractionContext], None],
    ) -> ExtractionContext:
        """A fresh context for one top-level item."""
        return cls(limits, location, 0, _Collected(), dispatch)

    def result(self, kind: str) -> Extraction:
        """Everything collected, as the contract's value."""
        collected = self._collected
        return Extraction(kind, tuple(collected.segments), tuple(collected.unscannable))

    def where(self, *parts: str) -> str:
        """This context's location with ``parts`` appended (empty parts are left out)."""
        return LOCATION_SEPARATOR.join(p for p in (self.location, *parts) if p)

    def here(self, default: str) -> str:
        """This context's location for a reason, or ``default`` at the top of the item."""
        return self.location or default

    def within(self, *parts: str) -> ExtractionContext:
        """A context for a named place inside this one, at the same depth."""
        return ExtractionContext(
            self.limits, self.where(*parts), self.depth, self._collected, self._dispatch
        )

    def add_text(self, text: str, *parts: str) -> None:
        """Add ``text`` found at ``parts`` as a normalised segment, within the text budget,
        and the readable text of any base64 in it as segments of their own."""
        self._add_segment(text, *parts)
        self._add_hidden_forms(text, *parts)

    def add_table(self, text: str, places: tuple[tuple[int, str], ...], *parts: str) -> None:
        """Add a table's text found at ``parts``, with the place of each cell (see
        ``Segment.places``), within the text budget, and the readable text of any base64
        in it as segments of their own."""
        self._add_segment(text, *parts, places=places)
        self._add_hidden_forms(text, *parts)

    def _add_hidden_forms(self, text: str, *parts: str) -> None:
        """The readable text of any base64 in ``text``, and what its formulas that spell
        text from character codes show (``_formulas``), as segments of their own; a
        formula of that kind that cannot be worked out makes the item unscannable."""
        for decoded in encoded_texts(text):
            self._add_segment(decoded, *parts, "base64 text")
        for shown in worked_out(text):
            self._add_segment(shown, *parts, "formula as shown")
        if unworked(text):
            self.unscannable(
                f"{self.where(*parts) or 'the item'} has a formula that builds text from "
                "character codes confide could not work out"
            )

    def _add_segment(
        self, text: str, *parts: str, places: tuple[tuple[int, str], ...] = ()
    ) -> None:
        collected = self._collected
        if not text.strip() or collected.text_full:
            return
        room = self.limits.max_text_chars - collected.chars
        if len(text) > room:
            text = text[:room]
            collected.text_full = True
            self.unscannable(
                f"the text is longer than {self.limits.max_text_chars} characters; "
                "the rest was not scanned"
            )
        collected.chars += len(text)
        if text.strip():
            segment = normalise(text, self.where(*parts))
            collected.segments.append(replace(segment, places=places) if places else segment)

    @property
    def text_full(self) -> bool:
        """Whether the text budget is used up (reading more is pointless)."""
        return self._collected.text_full

    def unscannable(self, reason: str) -> None:
        """Record that something could not be read; ``reason`` must not contain its text.

        A reason already recorded is not repeated."""
        if reason not in self._collected.unscannable:
            self._collected.unscannable.append(reason)

    def unreadable(self, error: Exception, *parts: str) -> None:
        """Record that the part at ``parts`` failed to parse (the error's type, never its text)."""
        self.unscannable(f"{self.where(*parts) or 'the item'} could not be read ({_name(error)})")

    @contextmanager
    def reading(self, *parts: str) -> Iterator[None]:
        """Turn any exception while reading the part at ``parts`` into an unscannable reason."""
        try:
            yield
        except Exception as error:  # noqa: BLE001 - every parser failure becomes a reason
            self.unreadable(error, *parts)

    def count_mime_part(self) -> bool:
        """Count one MIME part; ``False`` (and a reason, once) when over the bound."""
        collected = self._collected
        if collected.parts_full:
            return False
        collected.mime_parts += 1
        if collected.mime_parts > self.limits.max_mime_parts:
            collected.parts_full = True
            self.unscannable(
                f"the message has more than {self.limits.max_mime_parts} MIME parts; "
                "the rest were not read"
            )
            return False
        return True

    def nested(self, data: bytes, *parts: str) -> None:
        """Read a contained file (an attachment) through the dispatcher, one level deeper."""
        if self.text_full:
            return
        child = self.deeper(*parts)
        if child.enter_level():
            with child.reading():
                self._dispatch(data, child)

    def enter_level(self) -> bool:
        """Whether this context's depth is within bounds; if not, say so."""
        if self.depth <= self.limits.max_mime_depth:
            return True
        self.unscannable(
            f"{self.here('the item')} is nested more than {self.limits.max_mime_depth} "
            "levels deep; it was not read"
        )
        return False

    def deeper(self, *parts: str) -> ExtractionContext:
        """A context one nesting level down (a multipart or forwarded message)."""
        return ExtractionContext(
            self.limits, self.where(*parts), self.depth + 1, self._collected, self._dispatch
        )


def _name(error: Exception) -> str:
    return type(error).__name__
