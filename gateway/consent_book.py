"""The consent register in the database, shown to the scanner as a ``ConsentBook``."""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Q

from gateway.register.models import (
    Agency,
    AgencyAddress,
    AgencyDomain,
    Consent,
    RegisterRevision,
    Subject,
    SubjectEmail,
    SubjectName,
    SubjectPhone,
    in_force,
    parse_scopes,
)
from scanner.consent import ADDRESS, DOMAIN, ConsentRecord, KnownSubject, RecipientConsents

# Subjects read per round trip by ``subjects()``: four queries per chunk, whatever its size.
SUBJECTS_PER_CHUNK = 2000

# What of a consent can change a verdict; the two dates last (``consents_version``).
_CONSENT_FIELDS = (
    "id",
    "subject_id",
    "agency_id",
    "domain",
    "address",
    "scopes",
    "recorded_at",
    "withdrawn_at",
    "valid_until",
)

_SUBJECT_FIELDS = (
    "id",
    "ref",
    "kind",
    "display_name",
    "dob",
    "nhs_number",
    "ni_number",
    "postcode",
    "address",
)


class DjangoConsentBook:
    """The register as the gateway's Django models hold it (see ``scanner.consent``).

    ``backstop_seconds``: how often at most ``version`` counts the subjects (see there); 0,
    each time. ``clock`` gives the time for it (``time.monotonic``)."""

    def __init__(
        self,
        chunk_size: int = SUBJECTS_PER_CHUNK,
        *,
        backstop_seconds: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.chunk_size = chunk_size
        self.backstop_seconds = backstop_seconds
        self._clock = clock
        self._backstop: tuple[float, str] | None = None  # when it was read, and what it was

    def version(self) -> str:
        """The revision counter, which every write through confide moves (the models'
        signals, the importer), plus the subject count and latest change as a backstop for
        writes that bypass it (a ``QuerySet.update()``, a delete in SQL).

        Asked before every message is judged, so it is raw SQL (through the ORM, building
        the queries cost ten times as much as running them), and the backstop, which reads
        every subject (COUNT: 0.4 ms of CPU with 5,000 subjects, 2.6 with 50,000), is read
        at most every ``backstop_seconds``: a write through confide is seen at once, one
        that bypasses the counter within that time."""
        quote = connection.ops.quote_name
        revisions, subjects = (quote(m._meta.db_table) for m in (RegisterRevision, Subject))
        number_query = f"SELECT {quote('number')} FROM {revisions} WHERE id = 1"  # noqa: S608
        now = self._clock()
        kept = self._backstop
        due = kept is None or now - kept[0] >= self.backstop_seconds or now < kept[0]
        with connection.cursor() as cursor:
            if due:
                cursor.execute(  # quoted table and column names, no input
                    f"SELECT ({number_query}), COUNT(*), MAX({quote('updated_at')})"  # noqa: S608
                    f" FROM {subjects}"
                )
                number, count, latest = cursor.fetchone()
                kept = self._backstop = (now, f"{count}:{latest or '-'}")
            else:
                cursor.execute(number_query)
                found = cursor.fetchone()
                number = found[0] if found else None
        assert kept is not None
        return f"{number or 0}:{kept[1]}"

    def consents_version(self, at: datetime) -> str:
        """A digest of every consent as it stands at ``at`` and of the agencies' names,
        domains and addresses: it changes when a consent is added, withdrawn, edited or
        removed (by any write, bulk ones too), and when one lapses or its withdrawal comes.

        ``version`` covers the subjects alone (the matcher's input, asked for each message);
        this is for what keeps verdicts (the watcher, once per pass), so it reads the rows:
        a consent has no change time, and only the rows say what ``at`` has made lapse."""
        digest = hashlib.sha256()
        for row in Consent.objects.order_by("id").values_list(*_CONSENT_FIELDS):
            withdrawn_at, valid_until = row[-2], row[-1]
            lapsed = (withdrawn_at is not None and withdrawn_at <= at) or (
                valid_until is not None and valid_until < at
            )
            digest.update(repr((*row, lapsed)).encode())
        agencies = ((Agency, "id", "name"), (AgencyDomain, "agency_id", "domain"))
        for model, owner, field in (*agencies, (AgencyAddress, "agency_id", "address")):
            digest.update(model.__name__.encode())
            for pair in model.objects.order_by(owner, field).values_list(owner, field):
                digest.update(repr(pair).encode())
        return digest.hexdigest()

    def subjects(self) -> Iterator[KnownSubject]:
        """Every subject, in chunks by primary key: four queries per chunk, no model objects."""
        after = 0
        while True:
            rows = list(
                Subject.objects.filter(id__gt=after)
                .order_by("id")
                .values_list(*_SUBJECT_FIELDS)[: self.chunk_size]
            )
            if not rows:
                return
            first, after = rows[0][0], rows[-1][0]
            between = Q(subject_id__gte=first, subject_id__lte=after)
            names = _grouped(SubjectName, "name", between, order="position")
            emails = _grouped(SubjectEmail, "email", between)
            phones = _grouped(SubjectPhone, "phone", between)
            for pk, ref, kind, display_name, dob, nhs, ni, postcode, address in rows:
                known = names.get(pk, [])
                if display_name not in known:
                    known.insert(0, display_name)
                yield KnownSubject(
                    ref=ref,
                    kind=kind,
                    names=tuple(known),
                    emails=tuple(emails.get(pk, ())),
                    phones=tuple(phones.get(pk, ())),
                    dob=dob,
                    nhs_number=nhs,
                    ni_number=ni,
                    postcode=postcode,
                    address=address,
                )

    def consents(self, ref: str, recipient: str, at: datetime) -> RecipientConsents:
        """``ref``'s consents in force at ``at`` that name the address, its exact domain, an
        agency holding either, or other addresses at that domain (see ``scanner.consent``).

        Three queries: the consents, then the listed addresses and domains of their agencies."""
        address = recipient.strip().lower()
        domain = address.rpartition("@")[2]
        at_domain = "@" + domain
        bearing = (
            Q(address=address)
            | Q(address__endswith=at_domain)
            | Q(domain=domain)
            | Q(agency__addresses__address__endswith=at_domain)
            | Q(agency__domains__domain=domain)
        )
        rows = list(
            Consent.objects.filter(in_force(at), bearing, subject__ref=ref)
            .distinct()
            .order_by("recorded_at", "id")
            .values_list("agency_id", "agency__name", "domain", "address", "scopes")
        )
        agencies = {row[0] for row in rows if row[0] is not None}
        listed: defaultdict[int, list[str]] = defaultdict(list)
        for agency_id, listed_address in AgencyAddress.objects.filter(
            agency_id__in=agencies, address__endswith=at_domain
        ).values_list("agency_id", "address"):
            listed[agency_id].append(listed_address)
        by_domain = set(
            AgencyDomain.objects.filter(agency_id__in=agencies, domain=domain).values_list(
                "agency_id", flat=True
            )
        )
        records = []
        for agency_id, agency_name, consent_domain, consent_address, scopes in rows:
            allowed = parse_scopes(scopes)
            if agency_id is not None:
                there = listed[agency_id]
                covers_by = (
                    ADDRESS if address in there else DOMAIN if agency_id in by_domain else ""
                )
                records.append(
                    ConsentRecord(
                        agency_name,
                        allowed,
                        covers_by,
                        0 if covers_by else len(there),
                        agency=True,
                    )
                )
            elif consent_domain is not None:
                records.append(ConsentRecord(f"@{consent_domain}", allowed, DOMAIN))
            elif consent_address == address:
                records.append(ConsentRecord(consent_address, allowed, ADDRESS))
            else:
                records.append(ConsentRecord(consent_address, allowed, addresses_there=1))
        return RecipientConsents(tuple(records))

    def agencies(self, recipient: str) -> tuple[str, ...]:
        """The agencies listing the address or its exact domain, by name."""
        address = recipient.strip().lower()
        domain = address.rpartition("@")[2]
        found = Agency.objects.filter(Q(addresses__address=address) | Q(domains__domain=domain))
        return tuple(found.distinct().order_by("name").values_list("name", flat=True))


def _grouped(model: Any, field: str, where: Q, order: str = "id") -> dict[int, list[str]]:
    """``field`` of ``model``'s rows matching ``where``, listed per subject id."""
    grouped: dict[int, list[str]] = defaultdict(list)
    rows = model.objects.filter(where).order_by("subject_id", order)
    for subject_id, value in rows.values_list("subject_id", field):
        grouped[subject_id].append(value)
    return grouped
