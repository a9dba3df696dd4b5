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


# The kinds of subject the register records (gateway.register.models.SubjectKind).
SUBJECT_KINDS = frozenset({"carer", "cared_for", "participant", "staff", "volunteer", "trustee"})


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


# How a consent covers a recipient address: it names the address (or its agency lists it),
# or it names the address's domain (or its agency lists the domain).
ADDRESS = "address"
DOMAIN = "domain"


@dataclass(frozen=True)
class ConsentRecord:
    """One consent in force, as it bears on one recipient address.

    ``to`` is the recipient the consent names: an agency's name (``agency`` is true), a domain
    written ``@agency.example``, or an address (then it is personal data, not for reasons).
    ``covers_by`` is ``ADDRESS`` or ``DOMAIN`` when it covers the recipient, and "" when it
    only names ``addresses_there`` other addresses at the recipient's domain.
    """

    to: str
    scopes: frozenset[Scope]
    covers_by: str = ""
    addresses_there: int = 0
    agency: bool = False


@dataclass(frozen=True)
class RecipientConsents:
    """A subject's consents in force that bear on one recipient address."""

    records: tuple[ConsentRecord, ...] = ()

    @property
    def covering(self) -> tuple[ConsentRecord, ...]:
        """The consents that cover the recipient."""
        return tuple(r for r in self.records if r.covers_by)

    @property
    def scopes(self) -> frozenset[Scope]:
        """Everything the consents that cover the recipient allow, together."""
        return frozenset().union(*(r.scopes for r in self.covering))


class ConsentBook(Protocol):
    """The register: its subjects, and what each consented to for a recipient."""

    def version(self) -> str:
        """A value that changes whenever the subjects change (the matcher is rebuilt then)."""
        ...

    def subjects(self) -> Iterable[KnownSubject]:
        """Every subject in the register."""
        ...

    def consents(self, ref: str, recipient: str, at: datetime) -> RecipientConsents:
        """Subject ``ref``'s consents in force at ``at`` that bear on the address ``recipient``.

        A consent covers the address when it names it, its domain (``@agency.example``) or an
        agency that lists the address or its domain, and is neither expired nor withdrawn at
        ``at``. Consents in force that name other addresses at the same domain (another
        family member's, an agency listed address by address on a shared domain such as
        nhs.net) are given too, marked as not covering it, so a reason can say so.
        """
        ...

    def agencies(self, recipient: str) -> tuple[str, ...]:
        """The names of the agencies that list the address ``recipient`` or its domain."""
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

    def in_force(self, at: datetime) -> bool:
        """Neither withdrawn (``withdrawn_at`` has come) nor expired (``valid_until`` passed)."""
        if self.withdrawn_at is not None and self.withdrawn_at <= at:
            return False
        return self.valid_until is None or self.valid_until >= at

    def bearing_on(self, recipient: str) -> ConsentRecord | None:
        """How this consent bears on the address ``recipient``: it covers it, it names other
        addresses at its domain, or (``None``) neither."""
        address = recipient.strip().lower()
        domain = address.rpartition("@")[2]
        named = self.recipient.strip().lower()
        agency = not named.startswith("@") and "@" not in named
        if agency:
            addresses, domains = self.agency_addresses, self.agency_domains
        else:
            addresses = frozenset({named} if "@" in named[1:] else ())
            domains = frozenset({named[1:]} if named.startswith("@") else ())
        covers_by = ADDRESS if address in addresses else DOMAIN if domain in domains else ""
        there = 0 if covers_by else sum(1 for a in addresses if a.rpartition("@")[2] == domain)
        if not (covers_by or there):
            return None
        to = self.recipient if agency else named
        return ConsentRecord(to, self.scopes, covers_by, there, agency=agency)


@dataclass
class MemoryConsentBook:
    """A register held in memory: for tests, benchmarks and one-off checks."""

    known: list[KnownSubject] = field(default_factory=list)
    recorded: list[RecordedConsent] = field(default_factory=list)

    def version(self) -> str:
        return f"{id(self.known)}:{len(self.known)}"

    def subjects(self) -> Iterable[KnownSubject]:
        return iter(self.known)

    def consents(self, ref: str, recipient: str, at: datetime) -> RecipientConsents:
        bearing = (
            c.bearing_on(recipient) for c in self.recorded if c.ref == ref and c.in_force(at)
        )
        return RecipientConsents(tuple(b for b in bearing if b is not None))

    def agencies(self, recipient: str) -> tuple[str, ...]:
        address = recipient.strip().lower()
        domain = address.rpartition("@")[2]
        return tuple(
            sorted(
                {
                    c.recipient
                    for c in self.recorded
                    if address in c.agency_addresses or domain in c.agency_domains
                }
            )
        )
