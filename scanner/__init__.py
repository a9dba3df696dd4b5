"""confide's scanner: a pure library that turns bytes into text segments, finds personal data
in them, and decides and transforms. It imports no Django and does no I/O of its own beyond
what a caller hands it.

A door (the relay, the watcher, the CLI) needs only the names below: a ``Scanner`` reads an
item, in a sandboxed worker, into a ``ScanResult``: an ``Extraction`` of ``Segment``s, and
``Finding``s in them (``UnsupportedType`` when it is no type confide reads); ``judge`` gives a
``Verdict`` per recipient under a ``Policy``, asking the caller's ``ConsentBook`` who is known
and what they consented to; ``plan`` turns the verdicts into the copies to make
(``PlannedOutcome``, ``PlannedCopy``) and the holds. ``scanner.extract`` reads an item in
the calling process, with no sandbox: its ``extract`` function cannot be a name here, where
``extract`` is that package.

The names are imported on first use, not by ``import scanner``: importing them all takes
about 0.6 s and brings in pypdf, lxml, BeautifulSoup, Pillow, pebble and phonenumbers, which a
process that needs only ``scanner.consent`` or ``scanner.findings`` (Django loading the
register's models) should not pay for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scanner.attribution import Sender
    from scanner.consent import ConsentBook, KnownSubject
    from scanner.extract import UnsupportedType
    from scanner.findings import Finding
    from scanner.judging import MatcherCache, Organisation, judge
    from scanner.outcome import PlannedCopy, PlannedOutcome, plan
    from scanner.policy.policy_file import Policy, load_policy
    from scanner.policy.verdicts import Verdict
    from scanner.scanning import Scanner, ScanResult
    from scanner.segments import Extraction, Segment

__all__ = [
    "ConsentBook",
    "Extraction",
    "Finding",
    "KnownSubject",
    "MatcherCache",
    "Organisation",
    "PlannedCopy",
    "PlannedOutcome",
    "Policy",
    "ScanResult",
    "Scanner",
    "Segment",
    "Sender",
    "UnsupportedType",
    "Verdict",
    "judge",
    "load_policy",
    "plan",
]

# The module each public name comes from: the imports above, for the import system.
_HOMES = {
    "Sender": "scanner.attribution",
    "ConsentBook": "scanner.consent",
    "KnownSubject": "scanner.consent",
    "MatcherCache": "scanner.judging",
    "Organisation": "scanner.judging",
    "judge": "scanner.judging",
    "UnsupportedType": "scanner.extract",
    "Finding": "scanner.findings",
    "PlannedCopy": "scanner.outcome",
    "PlannedOutcome": "scanner.outcome",
    "plan": "scanner.outcome",
    "Verdict": "scanner.policy.verdicts",
    "Policy": "scanner.policy.policy_file",
    "load_policy": "scanner.policy.policy_file",
    "Scanner": "scanner.scanning",
    "ScanResult": "scanner.scanning",
    "Extraction": "scanner.segments",
    "Segment": "scanner.segments",
}


def __getattr__(name: str) -> object:
    """A public name, imported from its module the first time it is asked for (PEP 562)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'scanner' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later look-ups find it without coming here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
