"""Email and phone recognizers: Presidio's own, made offline and UK-first."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

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
    only of role words ("info@", "data.protection@", "no-reply@"), written apart or run
    together ("dataprotection@", "supportercare@")."""
    local = address.partition("@")[0].lower()
    words = [w for w in _MAILBOX_WORD.split(local) if w]
    return bool(words) and all(_role_words_run_together(w, role_words) for w in words)


def _role_words_run_together(word: str, role_words: frozenset[str]) -> bool:
    """Whether ``word`` is one role word or several written as one."""
    if word in role_words:
        return True
    # ends[i]: the first i letters are role words run together
    ends = [True] + [False] * len(word)
    for i in range(1, len(word) + 1):
        ends[i] = any(ends[j] and word[j:i] in role_words for j in range(max(0, i - 20), i - 1))
    return ends[-1]


def _national(number: str) -> str:
    """A UK number's national digits with their leading 0; an international number's digits
    after its country code, unchanged."""
    digits = re.sub(r"\D", "", number)
    if number.lstrip().startswith("+") or digits.startswith("00"):
        digits = digits.lstrip("0")
        if not digits.startswith("44"):
            return "+" + digits  # a number abroad
        digits = "0" + digits[2:].lstrip("0")
    return digits


def is_published_number(number: str, prefixes: tuple[str, ...]) -> bool:
    """Whether ``number`` is in a range the numbering plan gives organisations for the public
    to ring (freephone, non-geographic, helplines): its national digits start with a prefix."""
    digits = _national(number)
    return not digits.startswith("+") and any(digits.startswith(p) for p in prefixes)


_EMAIL_ON_LINE = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# How far before a number on its line the words that say whose it is are looked for.
_NUMBER_INTRODUCED = 60


class OrganisationNumbers:
    """An organisation's own line, as it publishes it: a number that is no mobile, introduced
    as the organisation's ("call us on", "our advice line", "the Parish Office: Tel") or on the same
    line as a role mailbox ("hello@... | 0141 496 0873"). Only read where the text names
    no one (see the detector): there, such a number is the organisation's, as it is in a
    newsletter, a flyer or an invoice; beside a person's name it may be that person's line."""

    def __init__(self, words_before: tuple[str, ...], role_words: frozenset[str]) -> None:
        phrases = sorted(words_before, key=len, reverse=True)
        alternatives = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
        self._before = (
            re.compile(rf"(?<![\w@.-])(?:{alternatives})(?![\w@-])", re.IGNORECASE)
            if phrases
            else None
        )
        self._role_words = role_words

    def published(self, text: str, start: int, end: int) -> bool:
        """Whether the number at ``text[start:end]`` is introduced as an organisation's."""
        if _national(text[start:end]).startswith(("07", "+")):
            return False  # a mobile, or a number abroad: whoever holds it
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        window = text[max(line_start, start - _NUMBER_INTRODUCED) : start]
        if self._before is not None and self._before.search(window):
            return True
        return any(
            is_role_mailbox(m.group(), self._role_words)
            for m in _EMAIL_ON_LINE.finditer(text, line_start, line_end)
        )


_WORD = re.compile(r"[a-z0-9]+")
# A UK postcode inside a published address (its outward and inward codes).
_POSTCODE = re.compile(r"\b([a-z]{1,2}[0-9][a-z0-9]?) ?([0-9][a-z]{2})\b")
# The fewest digits of a published phone number ("Tel: 0113 496 0000"): an address has fewer.
_LEAST_PHONE_DIGITS = 7
# The fewest words a published address's part must have to be taken for it: "Leeds" alone
# is a town, not the office.
_LEAST_ADDRESS_WORDS = 2


class PublishedContacts:
    """The organisation's own contact details (``published_contacts`` in the configuration),
    matched as people write them. An email address or phone number matches in any spacing
    or case (+44 and 0 alike). A postal address matches word for word, whatever stands
    between its words (commas or none, line breaks, HTML's): the whole of it, any run of two
    of its words or more that an address finding spans ("1 River Street, Leeds", the street
    line of a signature split over lines), and its postcode on its own."""

    def __init__(self, values: Iterable[str]) -> None:
        contacts: set[str] = set()
        addresses: list[tuple[str, ...]] = []
        postcodes: set[str] = set()
        for value in values:
            if "@" in value or len(re.sub(r"\D", "", value)) >= _LEAST_PHONE_DIGITS:
                contacts.add(normal_contact(value))  # an email address or a phone number
                continue
            lower = value.lower()
            addresses.append(tuple(_WORD.findall(lower)))
            postcodes.update(m[1] + m[2] for m in _POSTCODE.finditer(lower))
        self._contacts = frozenset(contacts)
        self._addresses = tuple(addresses)
        self._postcodes = frozenset(postcodes)

    def __bool__(self) -> bool:
        return bool(self._contacts or self._addresses)

    def covers(self, kind: str, value: str) -> bool:
        """Whether ``value``, found as ``kind``, is one of the organisation's own contacts."""
        if normal_contact(value) in self._contacts:
            return True
        if kind == "UK_POSTCODE":
            return re.sub(r"[^a-z0-9]", "", value.lower()) in self._postcodes
        if kind == "STREET_ADDRESS":
            words = tuple(_WORD.findall(value.lower()))
            return len(words) >= _LEAST_ADDRESS_WORDS and any(
                _is_run_of(words, address) for address in self._addresses
            )
        return False


def _is_run_of(words: tuple[str, ...], address: tuple[str, ...]) -> bool:
    """Whether ``words`` stand, one after the other, in ``address``."""
    size = len(words)
    return any(address[i : i + size] == words for i in range(len(address) - size + 1))


def normal_contact(value: str) -> str:
    """An email or phone number reduced to a comparable form (case, spaces, +44 vs 0)."""
    value = value.strip().lower()
    if "@" in value:
        return value
    digits = re.sub(r"\D", "", value)
    return "0" + digits[2:].lstrip("0") if digits.startswith("44") else digits
