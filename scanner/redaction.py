"""Redaction of text: what must go for a recipient is replaced by a placeholder saying what
kind of thing was removed ("[NHS number removed]"), and nothing else changes."""

from __future__ import annotations

from collections.abc import Iterable


def redact_text(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """``text`` with each ``(start, end, label)`` span replaced by ``[label removed]``.

    Overlapping spans are removed as one, under the label of the first.
    """
    pieces = []
    position = 0
    for start, end, label in sorted(spans):
        if end <= position:
            continue
        if start >= position:
            pieces.append(text[position:start])
            pieces.append(f"[{label} removed]")
        position = max(position, end)
    pieces.append(text[position:])
    return "".join(pieces)
