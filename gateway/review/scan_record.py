"""What the scanner read in a held message, kept for the manager who reviews it: each text
segment as detection saw it, with its findings (type, recognizer, offsets and the register
refs of the subjects attribution tied each to), and what could not be read. The relay seals
it with the message's key (``ScanRecord``).

Records written before attribution was kept have no ``"attributed"`` key: their findings read
with no subjects, and ``ReadMessage.attributed`` is False so the page can say it is unknown
rather than "nobody's"."""

from __future__ import annotations

import json
from dataclasses import dataclass

from scanner.attribution import Attribution
from scanner.findings import Finding
from scanner.scanning import ScanResult


@dataclass(frozen=True)
class Span:
    type: str
    start: int
    end: int
    recognizer: str = ""  # says the group of a term ("special_category:health"), for the scope
    subjects: tuple[str, ...] = ()  # register refs, sorted

    def as_finding(self, segment: int) -> Finding:
        """The span as the policy reads a finding (its category, scope and label)."""
        return Finding(segment, self.start, self.end, self.type, 1.0, self.recognizer)


@dataclass(frozen=True)
class ReadSegment:
    location: str
    text: str
    findings: tuple[Span, ...]


@dataclass(frozen=True)
class ReadMessage:
    segments: tuple[ReadSegment, ...]
    unscannable: tuple[str, ...]
    attributed: bool = True  # False: written before findings' subjects were kept

    @property
    def subjects(self) -> tuple[str, ...]:
        """Every register ref a finding is tied to, sorted."""
        return tuple(
            sorted({ref for s in self.segments for span in s.findings for ref in span.subjects})
        )


def scan_record(result: ScanResult, attribution: Attribution) -> bytes:
    """The record as JSON bytes, ready to seal; offsets index each segment's ``text``.

    Every finding of the scan is kept with the subjects ``attribution`` tied it to, and so is
    every identifier of a known subject that only the register's matcher found (a name)."""
    segments = result.extraction.segments
    refs = {a.finding: a.refs for a in attribution.findings}
    found: dict[int, list[dict[str, object]]] = {}
    for finding in dict.fromkeys((*result.findings, *refs)):
        start, end = segments[finding.segment].from_source(finding.start, finding.end)
        found.setdefault(finding.segment, []).append(
            {
                "type": finding.type,
                "recognizer": finding.recognizer,
                "start": start,
                "end": end,
                "subjects": sorted(refs.get(finding, ())),
            }
        )
    record = {
        "attributed": True,
        "segments": [
            {"location": segment.location, "text": segment.text, "findings": found.get(i, [])}
            for i, segment in enumerate(segments)
        ],
        "unscannable": list(result.extraction.unscannable),
    }
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


def read_scan_record(data: bytes) -> ReadMessage:
    record = json.loads(data)
    return ReadMessage(
        segments=tuple(
            ReadSegment(
                location=segment["location"],
                text=segment["text"],
                findings=tuple(
                    Span(
                        f["type"],
                        int(f["start"]),
                        int(f["end"]),
                        str(f.get("recognizer", "")),
                        tuple(str(ref) for ref in f.get("subjects", ())),
                    )
                    for f in segment["findings"]
                ),
            )
            for segment in record["segments"]
        ),
        unscannable=tuple(record["unscannable"]),
        attributed=bool(record.get("attributed", False)),
    )


def highlighted(segment: ReadSegment) -> list[tuple[str, Span | None]]:
    """The segment's text in runs, each with the finding it belongs to (or None);
    overlapping findings are merged into the first one's run."""
    runs: list[tuple[str, Span | None]] = []
    at = 0
    for span in sorted(segment.findings, key=lambda s: (s.start, -s.end)):
        start = max(span.start, at)
        if span.end <= start:
            continue
        if start > at:
            runs.append((segment.text[at:start], None))
        runs.append((segment.text[start : span.end], span))
        at = span.end
    if at < len(segment.text):
        runs.append((segment.text[at:], None))
    return runs
