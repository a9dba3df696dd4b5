"""``confide scan [--json] PATH...``: what personal data each file holds, and where."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from gateway.config import load_settings
from gateway.management.command import ConfideCommand
from gateway.scanner_setup import build_scanner, scan_named_file
from scanner.extract import UnsupportedType, ocr_missing_warning
from scanner.policy.policy_file import load_policy
from scanner.scanning import ScanResult

log = logging.getLogger("confide.scan")


class Command(ConfideCommand):
    help = "Scan files (.txt, .eml, .docx, .pdf) for personal data and print the findings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
        parser.add_argument(
            "--json",
            action="store_true",
            help="one JSON object per line per input instead of a table",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        failed = False
        files: list[Path] = []
        for path in self._files(options["paths"]):
            if isinstance(path, str):  # an error message for a path that cannot be read
                self.stderr.write(f"confide scan: {path}")
                failed = True
            else:
                files.append(path)
        if not files:  # answered at once: nothing to scan, so the model is never loaded
            if not failed:
                self.stderr.write("confide scan: found no files to scan")
            raise SystemExit(2)
        settings = load_settings()
        self._labels = load_policy(settings.organisation.policy).label
        if no_ocr := ocr_missing_warning(settings.limits):
            self.stderr.write(f"confide scan: {no_ocr}")
        with build_scanner() as scanner:
            for path in files:
                try:
                    result = scan_named_file(scanner, path)
                except UnsupportedType as exc:
                    self.stderr.write(f"confide scan: {path}: {exc}")
                    failed = True
                    continue
                except OSError as exc:
                    self.stderr.write(f"confide scan: {path}: cannot read: {exc.strerror}")
                    failed = True
                    continue
                types = Counter(f.type for f in result.findings)
                log.info("scanned path=%s findings=%s", path, dict(types))
                self._print(path, result, as_json=options["json"])
        if failed:
            raise SystemExit(2)

    def _files(self, paths: list[str]) -> Iterator[Path | str]:
        """Each file named, or found under a named directory; a string for each error."""
        for name in paths:
            path = Path(name)
            if path.is_dir():
                try:
                    children = sorted(p for p in path.rglob("*") if p.is_file())
                except OSError as exc:
                    yield f"{name}: cannot read directory: {exc.strerror}"
                    continue
                yield from children
            elif path.exists():
                yield path
            else:
                yield f"{name}: no such file"

    def _print(self, path: Path, result: ScanResult, *, as_json: bool) -> None:
        segments = result.extraction.segments
        if as_json:
            record = {
                "path": str(path),
                "findings": [
                    {
                        "type": f.type,
                        "start": f.start,
                        "end": f.end,
                        "score": f.score,
                        "segment": segments[f.segment].location,
                        "place": segments[f.segment].location_at(f.start),
                    }
                    for f in result.findings
                ],
                "unscannable": result.extraction.unscannable_reason,
            }
            self.stdout.write(json.dumps(record, ensure_ascii=False))
            return
        self.stdout.write(f"{path}")
        if result.extraction.unscannable_reason:
            self.stdout.write(f"  UNSCANNABLE: {result.extraction.unscannable_reason}")
        if not result.findings and not result.extraction.unscannable:
            self.stdout.write("  no personal data found")
        elif not result.findings:
            self.stdout.write("  nothing found in what could be read")
        for f in result.findings:
            segment = segments[f.segment]
            start, end = segment.from_source(f.start, f.end)
            line = segment.text.count("\n", 0, start) + 1
            if segment.places:  # a table's cell says where it is: "Clients!C7"
                where = segment.location_at(f.start)
            else:
                where = f"{segment.location or 'text'} line {line}"
            masked = masked_value(segment.text[start:end])
            self.stdout.write(f"  {self._labels(f)} {masked} in {where}")


# A number keeps this many of its last digits, so a person can tell which record it is.
_DIGITS_SHOWN = 4
_NUMBER_DIGITS = 6


def masked_value(value: str) -> str:
    """``value`` for a person to recognise, not to read: a number keeps its last four digits
    ("••• ••• 5919"), anything else the first letter of each word ("A•••• O•••••"); spaces
    and punctuation stay, so the shape shows."""
    digits = sum(c.isdigit() for c in value)
    if digits >= _NUMBER_DIGITS:
        shown = digits - _DIGITS_SHOWN
        out = []
        for c in value:
            if c.isalnum() and shown > 0:
                out.append("•")
                shown -= c.isdigit()
            else:
                out.append(c)
        return "".join(out)
    return "".join(
        "•" if c.isalnum() and i > 0 and value[i - 1].isalnum() else c for i, c in enumerate(value)
    )
