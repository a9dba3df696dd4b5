"""The consent register in the database, shown to the scanner as a ``ConsentBook``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Q

from gateway.register.models import (
    Consent,
    RegisterRevision,
    Subject,
    SubjectEmail,
    SubjectName,
    SubjectPhone,
    in_force,
    parse_scopes,
)
from scanner.consent import KnownSubject, Scope

# Subjects read per round trip by ``subjects()``: four queries per chunk, whatever its size.
SUBJECTS_PER_CHUNK = 2000

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
    """The register as the gateway's Django models hold it (see ``scanner.consent``)."""

    def __init__(self, chunk_size: int = SUBJECTS_PER_CHUNK) -> None:
        self.chunk_size = chunk_size

    def version(self) -> str:
        """The revision counter, plus the subject count and latest change as a backstop for
        writes that bypass it (a ``QuerySet.update()``).

        Asked before every message is judged, so it is one raw query: through the ORM, the
        two queries cost ten times as much (building them, not running them)."""
        quote = connection.ops.quote_name
        revisions, subjects = (quote(m._meta.db_table) for m in (RegisterRevision, Subject))
        query = (  # quoted table and column names, no input
            f"SELECT (SELECT {quote('number')} FROM {revisions} WHERE id = 1),"  # noqa: S608
            f" COUNT(*), MAX({quote('updated_at')}) FROM {subjects}"
        )
        with connection.cursor() as cursor:
            cursor.execute(query)
            number, count, latest = cursor.fetchone()
        return f"{number or 0}:{count}:{latest or '-'}"

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

    def consented_scopes(self, ref: str, recipient: str, at: datetime) -> frozenset[Scope]:
        """The union of the scopes of ``ref``'s consents that count for ``recipient`` at ``at``:
        one naming the address, its exact domain, or an agency holding the address or domain."""
        address = recipient.strip().lower()
        domain = address.rpartition("@")[2]
        names_recipient = (
            Q(address=address)
            | Q(domain=domain)
            | Q(agency__addresses__address=address)
            | Q(agency__domains__domain=domain)
        )
        found = Consent.objects.filter(in_force(at), names_recipient, subject__ref=ref)
        scopes: set[Scope] = set()
        for column in found.values_list("scopes", flat=True):
            scopes |= parse_scopes(column)
        return frozenset(scopes)


def _grouped(model: Any, field: str, where: Q, order: str = "id") -> dict[int, list[str]]:
    """``field`` of ``model``'s rows matching ``where``, listed per subject id."""
    grouped: dict[int, list[str]] = defaultdict(list)
    rows = model.objects.filter(where).order_by("subject_id", order)
    for subject_id, value in rows.values_list("subject_id", field):
        grouped[subject_id].append(value)
    return grouped
