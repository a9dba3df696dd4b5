"""Email and phone recognizers: Presidio's own, made offline and UK-first."""

from __future__ import annotations

import functools
import re

import tldextract
from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import EmailRecognizer, PhoneRecognizer


@functools.cache
def _offline_tld_extractor() -> tldextract.TLDExtract:
    # The public-suffix snapshot bundled with tldextract: no fetch, no cache written to disk.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's email recognizer, validating the domain offline.

    Presidio's own validation calls ``tldextract.extract``, which downloads the public suffix
    list on first use; confide must never reach the internet at run time. ``top_levels`` adds
    top-level domains that are not in the bundled list but where mail still goes (reserved
    ones such as ``.example`` and ``.test``, private ones such as ``.internal``): an address
    there is still someone's address, and missing it would let it out unredacted.
    """

    def __init__(self, score: float, top_levels: frozenset[str] = frozenset()) -> None:
        super().__init__(
            patterns=[Pattern(p.name, p.regex, score) for p in EmailRecognizer.PATTERNS]
        )
        self._top_levels = top_levels

    def validate_result(self, pattern_text: str) -> bool:
        if _offline_tld_extractor()(pattern_text).suffix:
            return True
        return pattern_text.rpartition(".")[2].lower() in self._top_levels


class UkPhoneRecognizer(PhoneRecognizer):
    """Presidio's python-phonenumbers recognizer for the configured regions and score."""

    def __init__(self, regions: tuple[str, ...], score: float) -> None:
        super().__init__(supported_regions=regions, leniency=1)
        self.SCORE = score


_MAILBOX_WORD = re.compile(r"[._+-]")


def is_role_mailbox(address: str, role_words: frozenset[str]) -> bool:
    """Whether ``address`` reaches a function rather than a person: its local part is made
    only of role words ("info@", "data.protection@", "no-reply@")."""
    local = address.partition("@")[0].lower()
    words = [w for w in _MAILBOX_WORD.split(local) if w]
    return bool(words) and all(w in role_words for w in words)


def is_published_number(number: str, prefixes: tuple[str, ...]) -> bool:
    """Whether ``number`` is in a range the numbering plan gives organisations for the public
    to ring (freephone, non-geographic, helplines): its national digits start with a prefix."""
    digits = re.sub(r"\D", "", number)
    if number.lstrip().startswith("+") or digits.startswith("00"):
        digits = digits.lstrip("0")
        if not digits.startswith("44"):
            return False  # a number abroad
        digits = "0" + digits[2:].lstrip("0")
    return any(digits.startswith(p) for p in prefixes)
