"""What kind of problem made an item unscannable, in one word from a fixed list.

A copy that leaves with parts confide could not read is marked with these words (the relay's
``X-Confide-Unscanned`` header). The reasons themselves name files, which may name people;
the kinds are a fixed vocabulary, so nothing of the message can reach a header through them.
"""

from __future__ import annotations

from collections.abc import Iterable

# Checked in this order; the first kind with a word in the reason is its kind.
_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("encrypted", ("encrypted", "password")),
    ("timeout", ("took longer",)),
    ("memory", ("memory",)),
    ("scan-failed", ("worker", "scanning failed", "not scanned:")),
    ("image", ("image",)),
    ("too-large", ("more than", "longer than", "only the first", "over the", "nested")),
    ("unsupported", ("cannot read", "does not know", "unsupported")),
    ("damaged", ("damaged", "could not", "empty", "impossible", "not base64", "padding")),
)
OTHER = "unreadable"
KINDS = (*(kind for kind, _ in _KINDS), OTHER)


def kind(reason: str) -> str:
    """The kind of one unscannable reason: ``encrypted``, ``timeout``, ... or ``unreadable``."""
    lowered = reason.lower()
    for name, words in _KINDS:
        if any(word in lowered for word in words):
            return name
    return OTHER


def kinds(reasons: Iterable[str]) -> tuple[str, ...]:
    """The kinds of ``reasons``, each once, in the order of ``KINDS``."""
    found = {kind(reason) for reason in reasons}
    return tuple(k for k in KINDS if k in found)
