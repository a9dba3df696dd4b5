"""Stand-in transforms for a scanning worker to make copies with (``scanner.copying``): one
whose redaction removes nothing, one whose worker dies making the copy; in a module of its
own, for the worker to import."""

from __future__ import annotations

import os
from collections.abc import Sequence

from scanner.removals import Removal


class LeavesEverything:
    """Redaction that removes nothing: a first pass that failed unnoticed."""

    def redacted(self, raw: bytes, removals: Sequence[Removal]) -> bytes:
        return raw

    def marked(self, raw: bytes) -> bytes:
        return raw


class DiesMakingTheCopy:
    """A transform whose worker exits while making the copy (a parser that crashed)."""

    def redacted(self, raw: bytes, removals: Sequence[Removal]) -> bytes:
        os._exit(3)

    def marked(self, raw: bytes) -> bytes:
        os._exit(3)
