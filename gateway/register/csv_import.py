"""The case-management system's CSV export, read into the consent register.

Three files, each optional, imported in the order agencies, subjects, consents in one
transaction: a bad row anywhere rejects the whole import, which then changes nothing. Records
are matched on their natural keys (agency name; subject ref; consent subject + recipient +
``recorded_at``), so importing the same export again changes nothing, and importing a newer
one updates what changed. Nothing is ever deleted: a record missing from a file stays.

Error messages name the file, the physical line, the column and what is wrong; they never
repeat a cell's value, which may be personal data.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, NoReturn

from django.db import connection, transaction
from django.utils import timezone

from gateway.register.models import (
    EMAIL_LENGTH,
    NAME_LENGTH,
    RECORDED_BY_LENGTH,
    REF_LENGTH,
    SCOPES_LENGTH,
    Agency,
    AgencyAddress,
    AgencyDomain,
    Consent,
    ConsentMethod,
    Subject,
    SubjectEmail,
    SubjectKind,
    SubjectName,
    SubjectPhone,
    bulk_change,
    join_known_scopes,
    mark_subjects_changed,
)
from scanner import identifiers
from scanner.consent import Scope

log = logging.getLogger("confide.register")

AGENCY_COLUMNS = ("name", "domains", "addresses")
SUBJECT_COLUMNS = (
    "ref",
    "kind",
    "name",
    "aliases",
    "emails",
    "phones",
    "dob",
    "nhs_number",
    "ni_number",
    "postcode",
    "address",
)
CONSENT_COLUMNS = (
    "subject_ref",
    "recipient",
    "scope",
    "method",
    "recorded_by",
    "recorded_at",
    "valid_until",
    "withdrawn_at",
    "evidence",
)

# Rows per IN (...) list and per bulk write: well under SQLite's bound-parameter limit.
_BATCH = 500
# An ASCII (or punycode) host name with at least one dot.
_DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
_NOT_UTF8 = 'not UTF-8 text; save the file as "CSV UTF-8"'
_KINDS = ", ".join(SubjectKind.values)


@dataclass(frozen=True)
class Tally:
    """What an import did to one kind of record."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass(frozen=True)
class ImportResult:
    """Either ``error`` (one line: ``FILE:LINE: COLUMN: what is wrong``) or the tallies."""

    error: str | None = None
    tallies: dict[str, Tally] = field(default_factory=dict)

    def summary(self) -> str:
        return "; ".join(f"{kind} {tally}" for kind, tally in self.tallies.items())


def import_register(
    *,
    scopes: Sequence[Scope],
    agencies: Path | None = None,
    subjects: Path | None = None,
    consents: Path | None = None,
) -> ImportResult:
    """Import the files given, all or nothing; a consent's scopes are words of ``scopes``
    (the policy's ``consent_scopes`` and ``all``)."""
    try:
        agency_table = _read_table(agencies, AGENCY_COLUMNS) if agencies else None
        subject_table = _read_table(subjects, SUBJECT_COLUMNS) if subjects else None
        consent_table = _read_table(consents, CONSENT_COLUMNS) if consents else None
        agency_rows = _agency_rows(agency_table) if agency_table else None
        subject_rows = _subject_rows(subject_table) if subject_table else None
        tallies: dict[str, Tally] = {}
        with transaction.atomic():
            if agency_rows is not None:
                tallies["agencies"] = _write_agencies(agency_rows)
            if subject_rows is not None:
                tallies["subjects"] = _write_subjects(subject_rows)
            if consent_table is not None:
                tallies["consents"] = _write_consents(_consent_rows(consent_table, scopes))
    except _Rejected as rejected:
        log.info("consent import rejected; nothing imported")
        return ImportResult(error=str(rejected))
    log.info(
        "consent import: %s",
        " ".join(f"{k}={t.created}/{t.updated}/{t.unchanged}" for k, t in tallies.items()),
    )
    return ImportResult(tallies=tallies)


class _Rejected(Exception):
    """A file or row that stops the import; its text is the whole message."""


# --- reading CSV --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    path: Path
    line: int  # the physical line the record starts on; the header is line 1
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells[column]

    def fail(self, column: str, problem: str) -> NoReturn:
        raise _Rejected(f"{self.path}:{self.line}: {column}: {problem}")


# What else separates columns in files spreadsheets save as "CSV" or text: ";" (Excel where
# the decimal separator is a comma) and tab (Excel's "Text (Tab delimited)").
_OTHER_DELIMITERS = (";", "\t")


def _read_table(path: Path, columns: Sequence[str]) -> list[_Row]:
    """The file's records as cells by column name, every value stripped.

    The header must name every column of ``columns`` and nothing else (in any order, any
    case): an unknown column is more likely a misspelt one than data to drop. A UTF-8 BOM
    (Excel) and CRLF line ends are fine; records with no value at all are skipped. Columns
    separated by ";" or tabs (Excel's CSV in much of Europe; "Text (Tab delimited)") are
    read as such when the header line shows it: ``_delimiter``.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _Rejected(f"{path}: cannot read: {exc.strerror}") from None
    # Undecodable bytes survive as lone surrogates, so the error can name line and column.
    text = data.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    records = _records(path, reader)
    try:
        header_line, header = next(records)
    except StopIteration:
        raise _Rejected(f"{path}:1: {columns[0]}: missing column (the file is empty)") from None
    names = _column_names(path, header_line, header, columns)
    rows = []
    for line, record in records:
        if not any(cell.strip() for cell in record):
            continue
        if any(cell.strip() for cell in record[len(names) :]):
            raise _Rejected(
                f"{path}:{line}: column {len(names) + 1}: a value beyond the last column"
            )
        cells = dict(zip(names, (cell.strip() for cell in record), strict=False))
        row = _Row(path, line, {name: cells.get(name, "") for name in names})
        for name, value in row.cells.items():
            if _has_undecodable(value):
                row.fail(name, _NOT_UTF8)
            if "\x00" in value:
                row.fail(name, "contains a NUL character")
        rows.append(row)
    return rows


def _delimiter(text: str) -> str:
    """The character that separates the file's columns: "," unless the header line, read as
    comma-separated, is one cell holding ";" or tabs (a column name holds neither), then
    whichever of those it holds most. Decided by the header alone, never guessed from the
    rows (as ``csv.Sniffer`` would), whose addresses hold commas; a row that does not fit
    the header is still refused, cell by cell, as in a comma-separated file."""
    try:
        header = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error:
        return ","  # said, at its line, by the reader that reads the file
    if len(header) != 1:
        return ","
    counts = {delimiter: header[0].count(delimiter) for delimiter in _OTHER_DELIMITERS}
    most = max(counts, key=lambda delimiter: counts[delimiter])
    return most if counts[most] else ","


def _column_names(path: Path, line: int, header: list[str], columns: Sequence[str]) -> list[str]:
    """The header's column names, lower case with "_" for spaces, checked against ``columns``."""
    names = [cell.strip().lower().replace(" ", "_") for cell in header]
    for number, name in enumerate(names, start=1):
        if _has_undecodable(name):
            raise _Rejected(f"{path}:{line}: column {number}: {_NOT_UTF8}")
        if not name:
            raise _Rejected(f"{path}:{line}: column {number}: a column with no name")
        if name not in columns:
            # Not repeated: a file without its header row has personal data here.
            raise _Rejected(
                f"{path}:{line}: column {number}: unknown column; expected {', '.join(columns)}"
            )
        if names.index(name) != number - 1:
            raise _Rejected(f"{path}:{line}: {name}: the column appears twice")
    for name in columns:
        if name not in names:
            raise _Rejected(f"{path}:{line}: {name}: missing column")
    return names


def _records(path: Path, reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the physical line it starts on."""
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _Rejected(f"{path}:{reader.line_num}: (record): not valid CSV: {exc}") from None
        yield start, record


def _has_undecodable(value: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in value)


# --- values -------------------------------------------------------------------------------


def _items(value: str) -> list[str]:
    """A semicolon-separated list, empty items dropped, first occurrence kept."""
    return list(dict.fromkeys(item.strip() for item in value.split(";") if item.strip()))


def _required(row: _Row, column: str, max_length: int) -> str:
    value = row[column]
    if not value:
        row.fail(column, "required")
    if len(value) > max_length:
        row.fail(column, f"longer than {max_length} characters")
    return value


def domain_of(value: str) -> str:
    """A domain in lower case without the "@"; "" if it is not one."""
    domain = value.strip().lower().removeprefix("@")
    return domain if _DOMAIN.match(domain) else ""


def _emails(row: _Row, column: str) -> list[str]:
    found = []
    for number, item in enumerate(_items(row[column]), start=1):
        address = identifiers.email(item)
        if not address or len(address) > EMAIL_LENGTH:
            row.fail(column, f"item {number} is not an email address")
        found.append(address)
    return list(dict.fromkeys(found))


def _moment(row: _Row, column: str, *, end_of_day: bool = False) -> datetime | None:
    """An ISO 8601 date or date and time; a naive one is in ``settings.TIME_ZONE`` (UK time).

    A date alone is the start of that day, or its end for ``end_of_day`` (``valid_until``:
    a consent valid until 31 March still counts on 31 March).
    """
    value = row[column]
    if not value:
        return None
    try:
        moment = datetime.combine(date.fromisoformat(value), time.max if end_of_day else time.min)
    except ValueError:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            row.fail(
                column, "not an ISO 8601 date or date and time (2026-03-31 or 2026-03-31T14:30)"
            )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment.astimezone(UTC)


# --- agencies -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _AgencyRow:
    name: str
    domains: tuple[str, ...]
    addresses: tuple[str, ...]


def _agency_rows(table: list[_Row]) -> list[_AgencyRow]:
    seen: dict[str, int] = {}
    rows = []
    for row in table:
        name = _required(row, "name", NAME_LENGTH)
        if "@" in name:
            row.fail("name", "contains @; a consent naming it would be read as an address")
        if name in seen:
            row.fail("name", f"the same agency as line {seen[name]}")
        seen[name] = row.line
        domains = []
        for number, item in enumerate(_items(row["domains"]), start=1):
            domain = domain_of(item)
            if not domain:
                row.fail("domains", f"item {number} is not a domain (agency.example)")
            domains.append(domain)
        addresses = _emails(row, "addresses")
        rows.append(_AgencyRow(name, tuple(sorted(set(domains))), tuple(sorted(addresses))))
    return rows


def _write_agencies(rows: list[_AgencyRow]) -> Tally:
    existing = {a.name: a for a in _chunked_filter(Agency, "name", [r.name for r in rows])}
    ids = [a.id for a in existing.values()]
    domains = _grouped(AgencyDomain, "agency_id", "domain", ids)
    addresses = _grouped(AgencyAddress, "agency_id", "address", ids)
    created = updated = 0
    for row in rows:
        agency = existing.get(row.name)
        if agency is None:
            agency = Agency.objects.create(name=row.name)
            created += 1
        elif (
            tuple(sorted(domains.get(agency.id, ()))) == row.domains
            and tuple(sorted(addresses.get(agency.id, ()))) == row.addresses
        ):
            continue
        else:
            AgencyDomain.objects.filter(agency=agency).delete()
            AgencyAddress.objects.filter(agency=agency).delete()
            updated += 1
        AgencyDomain.objects.bulk_create(AgencyDomain(agency=agency, domain=d) for d in row.domains)
        AgencyAddress.objects.bulk_create(
            AgencyAddress(agency=agency, address=a) for a in row.addresses
        )
    return Tally(created, updated, len(rows) - created - updated)


# --- subjects -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _SubjectRow:
    ref: str
    fields: dict[str, Any]  # Subject's own columns, ready to save
    names: tuple[str, ...]  # the full name first
    emails: tuple[str, ...]
    phones: tuple[str, ...]

    def state(self) -> tuple[Any, ...]:
        return (tuple(sorted(self.fields.items())), self.names, self.emails, self.phones)


_SUBJECT_FIELDS = (
    "kind",
    "display_name",
    "dob",
    "nhs_number",
    "ni_number",
    "postcode",
    "address",
)


def _subject_rows(table: list[_Row]) -> list[_SubjectRow]:
    seen: dict[str, int] = {}
    rows = []
    for row in table:
        ref = _required(row, "ref", REF_LENGTH)
        if ref in seen:
            row.fail("ref", f"the same ref as line {seen[ref]}")
        seen[ref] = row.line
        kind = row["kind"].lower().replace("-", "_").replace(" ", "_")
        if kind not in SubjectKind.values:
            row.fail("kind", f"expected one of {_KINDS}")
        name = _required(row, "name", NAME_LENGTH)
        aliases = _items(row["aliases"])
        for number, alias in enumerate(aliases, start=1):
            if len(alias) > NAME_LENGTH:
                row.fail("aliases", f"item {number} is longer than {NAME_LENGTH} characters")
        emails = _emails(row, "emails")
        phones = []
        for number, item in enumerate(_items(row["phones"]), start=1):
            phone = identifiers.phone(item)
            if not phone:
                row.fail("phones", f"item {number} is not a phone number")
            phones.append(phone)
        fields = {
            "kind": kind,
            "display_name": name,
            "dob": _dob(row),
            "nhs_number": _checked(row, "nhs_number", identifiers.nhs_number, _nhs_problem),
            "ni_number": _checked(
                row,
                "ni_number",
                identifiers.ni_number,
                lambda _: "not a National Insurance number (two letters, six digits, A-D)",
            ),
            "postcode": _checked(
                row, "postcode", identifiers.postcode, lambda _: "not a UK postcode"
            ),
            "address": row["address"],
        }
        names = tuple(dict.fromkeys([name, *aliases]))
        rows.append(_SubjectRow(ref, fields, names, tuple(emails), tuple(dict.fromkeys(phones))))
    return rows


def _dob(row: _Row) -> date | None:
    if not row["dob"]:
        return None
    try:
        dob = date.fromisoformat(row["dob"])
    except ValueError:
        row.fail("dob", "not an ISO 8601 date (1956-03-14)")
    if dob > timezone.localdate():
        row.fail("dob", "in the future")
    return dob


def _checked(row: _Row, column: str, normalise: Any, problem: Any) -> str:
    """The value in its normalised form; the row fails if it is not one."""
    if not row[column]:
        return ""
    value: str = normalise(row[column])
    if not value:
        row.fail(column, problem(row[column]))
    return value


def _nhs_problem(value: str) -> str:
    if len(re.sub(r"\D", "", value)) != 10:
        return "not an NHS number (10 digits)"
    return "fails the NHS number check digit"


def _write_subjects(rows: list[_SubjectRow]) -> Tally:
    """Create and update subjects in bulk; an updated subject's identifiers are replaced."""
    found = _chunked_values(Subject, "ref", [r.ref for r in rows], ("id", "ref", *_SUBJECT_FIELDS))
    existing = {values["ref"]: values for values in found}
    ids = [values["id"] for values in existing.values()]
    names = _grouped(SubjectName, "subject_id", "name", ids, order="position")
    emails = _grouped(SubjectEmail, "subject_id", "email", ids)
    phones = _grouped(SubjectPhone, "subject_id", "phone", ids)
    new: list[_SubjectRow] = []
    changed: list[tuple[int, _SubjectRow]] = []
    for row in rows:
        values = existing.get(row.ref)
        if values is None:
            new.append(row)
            continue
        pk = values["id"]
        stored = _SubjectRow(
            row.ref,
            {name: values[name] for name in _SUBJECT_FIELDS},
            tuple(names.get(pk, ())),
            tuple(emails.get(pk, ())),
            tuple(phones.get(pk, ())),
        )
        if stored.state() != row.state():
            changed.append((pk, row))
    with bulk_change():
        Subject.objects.bulk_create(
            (Subject(ref=row.ref, **row.fields) for row in new), batch_size=_BATCH
        )
        now = timezone.now()
        _update_rows(Subject, [(pk, {**row.fields, "updated_at": now}) for pk, row in changed])
        changed_ids = [pk for pk, _ in changed]
        for model in (SubjectName, SubjectEmail, SubjectPhone):
            for batch in _batches(changed_ids):
                model.objects.filter(subject_id__in=batch).delete()
        new_ids = {
            values["ref"]: values["id"]
            for values in _chunked_values(Subject, "ref", [r.ref for r in new], ("id", "ref"))
        }
        written = [*changed, *((new_ids[row.ref], row) for row in new)]
        _bulk_create(
            SubjectName(subject_id=pk, position=n, name=name)
            for pk, row in written
            for n, name in enumerate(row.names)
        )
        _bulk_create(
            SubjectEmail(subject_id=pk, email=e) for pk, row in written for e in row.emails
        )
        _bulk_create(
            SubjectPhone(subject_id=pk, phone=p) for pk, row in written for p in row.phones
        )
        if written:
            mark_subjects_changed()
    return Tally(len(new), len(changed), len(rows) - len(new) - len(changed))


# --- consents -----------------------------------------------------------------------------

_CONSENT_FIELDS = ("scopes", "method", "evidence", "recorded_by", "valid_until", "withdrawn_at")


@dataclass(frozen=True)
class _ConsentRow:
    subject_id: int
    recipient: dict[str, Any]  # one of agency_id, domain, address
    recorded_at: datetime
    fields: dict[str, Any]

    def key(self) -> tuple[Any, ...]:
        return (self.subject_id, *sorted(self.recipient.items()), self.recorded_at)


def _consent_rows(table: list[_Row], known: Sequence[Scope]) -> list[_ConsentRow]:
    subject_ids = {
        values["ref"]: values["id"]
        for values in _chunked_values(
            Subject, "ref", list({row["subject_ref"] for row in table}), ("id", "ref")
        )
    }
    agency_names = list({row["recipient"] for row in table if "@" not in row["recipient"]})
    agency_ids = {a.name: a.id for a in _chunked_filter(Agency, "name", agency_names)}
    seen: dict[tuple[Any, ...], int] = {}
    rows = []
    for row in table:
        ref = _required(row, "subject_ref", REF_LENGTH)
        if ref not in subject_ids:
            row.fail("subject_ref", "no subject with this ref in the register or the subjects file")
        recipient = _recipient(row, agency_ids)
        scopes = _scopes(row, known)
        method = row["method"].lower()
        if method not in ConsentMethod.values:
            row.fail("method", f"expected {' or '.join(ConsentMethod.values)}")
        recorded_by = _required(row, "recorded_by", RECORDED_BY_LENGTH)
        recorded_at = _moment(row, "recorded_at")
        if recorded_at is None:
            row.fail("recorded_at", "required")
        valid_until = _moment(row, "valid_until", end_of_day=True)
        if valid_until is not None and valid_until < recorded_at:
            row.fail("valid_until", "before recorded_at")
        withdrawn_at = _moment(row, "withdrawn_at")
        if withdrawn_at is not None and withdrawn_at < recorded_at:
            row.fail("withdrawn_at", "before recorded_at")
        consent = _ConsentRow(
            subject_ids[ref],
            recipient,
            recorded_at,
            {
                "scopes": scopes,
                "method": method,
                "evidence": row["evidence"],
                "recorded_by": recorded_by,
                "valid_until": valid_until,
                "withdrawn_at": withdrawn_at,
            },
        )
        if consent.key() in seen:
            row.fail(
                "recorded_at", f"the same subject, recipient and time as line {seen[consent.key()]}"
            )
        seen[consent.key()] = row.line
        rows.append(consent)
    return rows


def _recipient(row: _Row, agency_ids: dict[str, int]) -> dict[str, Any]:
    value = row["recipient"]
    if not value:
        row.fail("recipient", "required: an agency's name, @domain or an email address")
    if value.startswith("@"):
        domain = domain_of(value)
        if not domain:
            row.fail("recipient", "not a domain (@agency.example)")
        return {"domain": domain}
    if "@" in value:
        address = identifiers.email(value)
        if not address or len(address) > EMAIL_LENGTH:
            row.fail("recipient", "not an email address")
        return {"address": address}
    if value not in agency_ids:
        row.fail(
            "recipient",
            "no agency of this name in the register or the agencies file"
            " (a domain is written @agency.example)",
        )
    return {"agency_id": agency_ids[value]}


def _scopes(row: _Row, known: Sequence[Scope]) -> str:
    """The row's scopes as the register stores them, in the order of ``known``."""
    expected = ", ".join(known)
    scopes = _items(row["scope"].lower())
    if not scopes:
        row.fail("scope", f"required: one or more of {expected}, separated by ;")
    for number, scope in enumerate(scopes, start=1):
        if scope not in known:
            row.fail("scope", f"item {number} is not a scope; expected {expected}")
    joined = join_known_scopes(scopes, known)
    if len(joined) > SCOPES_LENGTH:
        row.fail(
            "scope",
            f"more than {SCOPES_LENGTH} characters of scopes with their commas; "
            "give fewer (all covers every one)",
        )
    return joined


def _write_consents(rows: list[_ConsentRow]) -> Tally:
    subject_ids = list({row.subject_id for row in rows})
    columns = ("id", "subject_id", "agency_id", "domain", "address", "recorded_at")
    existing: dict[tuple[Any, ...], dict[str, Any]] = {}
    for values in _chunked_values(Consent, "subject_id", subject_ids, (*columns, *_CONSENT_FIELDS)):
        recipient = {
            name: values[name]
            for name in ("agency_id", "domain", "address")
            if values[name] is not None
        }
        key = (values["subject_id"], *sorted(recipient.items()), values["recorded_at"])
        existing[key] = values
    new: list[Consent] = []
    changed: list[tuple[int, dict[str, Any]]] = []
    for row in rows:
        stored = existing.get(row.key())
        if stored is None:
            new.append(
                Consent(
                    subject_id=row.subject_id,
                    recorded_at=row.recorded_at,
                    **row.recipient,
                    **row.fields,
                )
            )
            continue
        fields = _keeping_withdrawal(row.fields, stored)
        if any(stored[name] != value for name, value in fields.items()):
            changed.append((stored["id"], fields))
    Consent.objects.bulk_create(new, batch_size=_BATCH)
    _update_rows(Consent, changed)
    return Tally(len(new), len(changed), len(rows) - len(new) - len(changed))


def _keeping_withdrawal(fields: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """An import never undoes a withdrawal: one recorded on the review pages, which the
    case-management export does not know of, stays (the earlier date, if both have one)."""
    withdrawn = [at for at in (stored["withdrawn_at"], fields["withdrawn_at"]) if at]
    return {**fields, "withdrawn_at": min(withdrawn)} if withdrawn else fields


# --- queries in batches -------------------------------------------------------------------


def _batches(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _BATCH):
        yield values[start : start + _BATCH]


def _chunked_filter(model: Any, column: str, values: Sequence[Any]) -> Iterator[Any]:
    for batch in _batches(values):
        yield from model.objects.filter(**{f"{column}__in": batch})


def _chunked_values(
    model: Any, column: str, values: Sequence[Any], fields: Sequence[str]
) -> Iterator[dict[str, Any]]:
    for batch in _batches(values):
        yield from model.objects.filter(**{f"{column}__in": batch}).values(*fields)


def _grouped(
    model: Any, key: str, column: str, ids: Sequence[int], order: str = "id"
) -> dict[int, list[Any]]:
    """``column`` of ``model``'s rows for the ``ids``, listed per id in ``order``."""
    grouped: dict[int, list[Any]] = defaultdict(list)
    for batch in _batches(ids):
        rows = model.objects.filter(**{f"{key}__in": batch}).order_by(key, order)
        for owner, value in rows.values_list(key, column):
            grouped[owner].append(value)
    return grouped


def _update_rows(model: Any, rows: Sequence[tuple[int, dict[str, Any]]]) -> None:
    """Set each row's fields (the same fields in every row) by primary key.

    One ``UPDATE ... WHERE id = %s`` sent with ``executemany``: Django's ``bulk_update``
    builds a CASE per field per row, which takes minutes for 50,000 subjects.
    """
    if not rows:
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in rows[0][1]]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    # Table and column names come from the model; every value is a parameter.
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                [*(f.get_db_prep_save(values[f.name], connection) for f in fields), pk]
                for pk, values in rows
            ],
        )


def _bulk_create(objects: Iterable[Any]) -> None:
    batch: list[Any] = []
    for obj in objects:
        batch.append(obj)
        if len(batch) == _BATCH:
            type(obj).objects.bulk_create(batch)
            batch = []
    if batch:
        type(batch[0]).objects.bulk_create(batch)
