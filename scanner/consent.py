"""The consent register as the scanner sees it: who is known, and what each consented to.

``scanner/`` never reads a database. Whoever keeps the register (the gateway's Django models,
or a test) hands the scanner a ``ConsentBook``; the scanner asks it which subjects exist, to
build its matcher, and what a subject consented to for one recipient, to decide.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

# A kind of information a consent covers: a word the policy's `consent_scopes` lists
# (rules/default.yaml), or ALL_SCOPES. The register keeps the words it was given; a word the
# policy does not list covers nothing.
type Scope = str
# The scope that covers everything, whatever the policy lists.
ALL_SCOPES: Scope = "all"


@dataclass(frozen=True)
class KnownSubject:
    """A person in the register and every identifier it holds for them.

    ``ref`` is the case-management system's reference; it names the subject in verdicts
    because it is not personal data in itself. ``names`` holds the full name first, then
    known variants and aliases. Phones may be written any way; the matcher normalises them.
    """

    ref: str
    kind: str
    names: tuple[str, ...]
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    dob: date | None = None
    nhs_number: str = ""
    ni_number: str = ""
    postcode: str = ""
    address: str = ""


class ConsentBook(Protocol):
    """The register: its subjects, and what each consented to for a recipient."""

    def version(self) -> str:
        """A value that changes whenever the subjects change (the matcher is rebuilt then)."""
        ...

    def subjects(self) -> Iterable[KnownSubject]:
        """Every subject in the register."""
        ...

    def consented_scopes(self, ref: str, recipient: str, at: datetime) -> frozenset[Scope]:
        """The scopes subject ``ref`` consented to for the address ``recipient`` at ``at``.

        A consent counts when it names the address, its domain (``@agency.example``) or an
        agency the address belongs to, and is neither expired nor withdrawn at ``at``.
        Empty when nothing counts.
        """
        ...


@dataclass(frozen=True)
class RecordedConsent:
    """One consent as a ``MemoryConsentBook`` holds it.

    ``recipient`` is an address, a domain written ``@agency.example``, or an agency's name
    (then ``agency_addresses`` and ``agency_domains`` say who belongs to it).
    """

    ref: str
    recipient: str
    scopes: frozenset[Scope]
    valid_until: datetime | None = None
    withdrawn_at: datetime | None = None
    agency_domains: frozenset[str] = frozenset()
    agency_addresses: frozenset[str] = frozenset()

    def counts_for(self, recipient: str, at: datetime) -> bool:
        """Whether this consent covers the address ``recipient`` at ``at``."""
        if self.withdrawn_at is not None and self.withdrawn_at <= at:
            return False
        if self.valid_until is not None and self.valid_until < at:
            return False
        address = recipient.strip().lower()
        domain = address.rpartition("@")[2]
        named = self.recipient.strip().lower()
        if named.startswith("@"):
            return domain == named[1:]
        if "@" in named:
            return address == named
        return address in self.agency_addresses or domain in self.agency_domains


@dataclass
class MemoryConsentBook:
    """A register held in memory: for tests, benchmarks and one-off checks."""

    known: list[KnownSubject] = field(default_factory=list)
    consents: list[RecordedConsent] = field(default_factory=list)

    def version(self) -> str:
        return f"{id(self.known)}:{len(self.known)}"

    def subjects(self) -> Iterable[KnownSubject]:
        return iter(self.known)

    def consented_scopes(self, ref: str, recipient: str, at: datetime) -> frozenset[Scope]:
        scopes: set[Scope] = set()
        for consent in self.consents:
            if consent.ref == ref and consent.counts_for(recipient, at):
                scopes |= consent.scopes
        return frozenset(scopes)
