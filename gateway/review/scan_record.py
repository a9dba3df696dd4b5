"""What the scanner read in a held message, kept for the manager who reviews it: each text
segment as detection saw it, with its findings (type and offsets only), and what could not
be read. The relay seals it with the message's key (``ScanRecord``)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from scanner.scanning import ScanResult


@dataclass(frozen=True)
class Span:
    type: str
    start: int
    end: int


@dataclass(frozen=True)
class ReadSegment:
    location: str
    text: str
    findings: tuple[Span, ...]


@dataclass(frozen=True)
class ReadMessage:
    segments: tuple[ReadSegment, ...]
    unscannable: tuple[str, ...]


def scan_record(result: ScanResult) -> bytes:
    """The record as JSON bytes, ready to seal; offsets index each segment's ``text``."""
    segments = result.extraction.segments
    found: dict[int, list[dict[str, object]]] = {}
    for finding in result.findings:
        start, end = segments[finding.segment].from_source(finding.start, finding.end)
        found.setdefault(finding.segment, []).append(
            {"type": finding.type, "start": start, "end": end}
        )
    record = {
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
                    Span(f["type"], int(f["start"]), int(f["end"])) for f in segment["findings"]
                ),
            )
            for segment in record["segments"]
        ),
        unscannable=tuple(record["unscannable"]),
    )


def highlighted(segment: ReadSegment) -> list[tuple[str, str | None]]:
    """The segment's text in runs, each with the finding type it belongs to (or None);
    overlapping findings are merged into the first one's run."""
    runs: list[tuple[str, str | None]] = []
    at = 0
    for span in sorted(segment.findings, key=lambda s: (s.start, -s.end)):
        start = max(span.start, at)
        if span.end <= start:
            continue
        if start > at:
            runs.append((segment.text[at:start], None))
        runs.append((segment.text[start : span.end], span.type))
        at = span.end
    if at < len(segment.text):
        runs.append((segment.text[at:], None))
    return runs
