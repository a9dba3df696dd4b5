"""A stand-in detector for a scanning worker that finds NHS numbers written "943 476 5919"
and nothing else (no NER model); in a module without Django, for the worker to import."""

from __future__ import annotations

import os
import re
import signal
from collections.abc import Sequence

from scanner.findings import Finding, Owner
from scanner.removals import Removal
from scanner.segments import Extraction

_NHS_NUMBER = re.compile(r"\b\d{3} \d{3} \d{4}\b")


class NhsNumbers:
    """Finds NHS numbers by their shape alone."""

    def scan(
        self,
        extraction: Extraction,
        earlier: tuple[Extraction, Sequence[Finding]] | None = None,
        removed: Sequence[Removal] = (),
    ) -> list[Finding]:
        return [
            Finding(number, found.start(), found.end(), "UK_NHS", 1.0, "test-nhs")
            for number, segment in enumerate(extraction.segments)
            for found in _NHS_NUMBER.finditer(segment.text)
        ]

    def owners(self, extraction: Extraction, findings: Sequence[Finding]) -> tuple[Owner, ...]:
        return ()


def nhs_numbers_unless_crashing(flag: str) -> NhsNumbers:
    """A worker's detector (``NhsNumbers``), unless the file ``flag`` exists: then the worker
    kills itself with SIGKILL as it starts, before it takes any item (a crash loop)."""
    if os.path.exists(flag):
        os.kill(os.getpid(), signal.SIGKILL)
    return NhsNumbers()


_NHS_NUMBER_LAST = re.compile(r"\b\d{3} \d{3} \d{4}(?=\s*\Z)")


class NhsNumbersLast(NhsNumbers):
    """Finds NHS numbers by their shape only where one ends its text: in a folder's name
    ("Margaret Hughes NHS 943 476 5919") but not in the path of a file in that folder.
    A detector that misses in a file's path what it finds in its folder's name alone, as
    the NHS recognizer once did before a ``/``."""

    def scan(
        self,
        extraction: Extraction,
        earlier: tuple[Extraction, Sequence[Finding]] | None = None,
        removed: Sequence[Removal] = (),
    ) -> list[Finding]:
        return [
            Finding(number, found.start(), found.end(), "UK_NHS", 1.0, "test-nhs")
            for number, segment in enumerate(extraction.segments)
            for found in _NHS_NUMBER_LAST.finditer(segment.text)
        ]
