"""Redaction: what must go for a recipient, as values to remove, and text with them removed.

``removals`` turns findings into the values to remove, each as detection saw it (the
segment's normalised text, reached through the segment's map from its source), so the relay
and the watcher never slice text with offsets themselves. ``redact_text`` replaces spans by a
placeholder saying what kind of thing was removed ("[NHS number removed]"); ``merged`` is the
one place where overlapping and nested spans become one, so a name inside an email address
never leaves the rest of the address behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from scanner.findings import Finding
from scanner.segments import Extraction

type Span = tuple[int, int, str]  # start, end, the label of what is there


@dataclass(frozen=True)
class Removal:
    """One value to remove, as detection saw it (normalised text), and what it is.

    ``label`` names the kind of thing: "NHS number" becomes "[NHS number removed]".
    """

    value: str
    label: str


def removals(
    extraction: Extraction, findings: Iterable[Finding], label: Callable[[Finding], str]
) -> tuple[Removal, ...]:
    """The values of ``findings`` in ``extraction``, each with its label, sorted and once each.

    Findings index each segment's source text; the value is taken from the normalised text
    that detection read, through ``Segment.from_source``.
    """
    found: set[Removal] = set()
    for finding in findings:
        segment = extraction.segments[finding.segment]
        start, end = segment.from_source(finding.start, finding.end)
        value = segment.text[start:end].strip()
        if value:
            found.add(Removal(value, label(finding)))
    return tuple(sorted(found, key=lambda r: (r.value, r.label)))


def merged(spans: Iterable[Span]) -> list[Span]:
    """Spans sorted, with overlapping and nested ones joined into one covering span.

    The joined span takes the label of the longest span in it (the longest covering span
    wins): a name found inside an email address is removed as the email address.
    """
    result: list[Span] = []
    longest = 0
    for start, end, label in sorted(spans):
        if result and start < result[-1][1]:
            first, last, current = result[-1]
            if end - start > longest:
                current, longest = label, end - start
            result[-1] = (first, max(last, end), current)
            continue
        result.append((start, end, label))
        longest = end - start
    return result


def redact_text(text: str, spans: Iterable[Span]) -> str:
    """``text`` with each ``(start, end, label)`` span replaced by ``[label removed]``.

    Overlapping spans are removed as one (see ``merged``).
    """
    pieces = []
    position = 0
    for start, end, label in merged(spans):
        pieces.append(text[position:start])
        pieces.append(f"[{label} removed]")
        position = end
    pieces.append(text[position:])
    return "".join(pieces)
