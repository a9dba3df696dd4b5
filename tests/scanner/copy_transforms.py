"""Stand-in transforms for a scanning worker to make copies with (``scanner.copying``): one
whose redaction removes nothing, one that adds a header field to what it redacts, one whose
worker dies making the copy; in a module of its own, for the worker to import."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from scanner.outcome import Transforms
from scanner.removals import Removal


class LeavesEverything:
    """Redaction that removes nothing: a first pass that failed unnoticed."""

    def redacted(self, raw: bytes, removals: Sequence[Removal]) -> bytes:
        return raw

    def marked(self, raw: bytes) -> bytes:
        return raw


@dataclass(frozen=True)
class AddsAField:
    """Redaction by ``made`` that then adds ``field`` (a whole header line) on top: a first
    pass that left a value in a field it never reads."""

    made: Transforms
    field: bytes

    def redacted(self, raw: bytes, removals: Sequence[Removal]) -> bytes:
        return self.field + self.made.redacted(raw, removals)

    def marked(self, raw: bytes) -> bytes:
        return self.made.marked(raw)


class DiesMakingTheCopy:
    """A transform whose worker exits while making the copy (a parser that crashed)."""

    def redacted(self, raw: bytes, removals: Sequence[Removal]) -> bytes:
        os._exit(3)

    def marked(self, raw: bytes) -> bytes:
        os._exit(3)
