"""Held messages in the test database, the review app's users (and a test client signed in
as one), a subject in the register, and the key and banner that releasing uses (in place of
the ones ``confide.toml`` names)."""

from __future__ import annotations

import email
import email.policy
import json
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote_plus, unquote_plus

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.models import Group, User
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from gateway.register.models import Agency, AgencyDomain, Subject, SubjectKind
from gateway.relay import spool
from gateway.relay.models import Delivery, Message, Outcome, ReviewState
from gateway.relay.pipeline import Pipeline
from gateway.review import decisions
from gateway.review.models import ScanRecord
from gateway.review.roles import MANAGER, STAFF
from gateway.sealing import Sealer
from scanner.transform import Banner
from tests.gateway.relay.conftest import pipeline  # noqa: F401 - shared with ``redacting``

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "carer-update.eml"
BANNER = Banner("[CONFIDENTIAL]", "CONFIDENTIAL: shared with consent.", "CONFIDENTIAL")
BANNER_WITHOUT_CONSENT = Banner(
    "[CONFIDENTIAL]", "CONFIDENTIAL: shared without consent, under the policy.", "CONFIDENTIAL"
)
SENDER = "priya.sharma@riverside-carers.example.org"
OTHER_SENDER = "sam.jones@riverside-carers.example.org"
HELD_FOR = "advice@citizensadvice.example"
ALSO_HELD_FOR = "duty@leeds-asc.example"
BASE_URL = "https://confide.riverside-carers.example.org"


@pytest.fixture
def sealer(monkeypatch: pytest.MonkeyPatch) -> Sealer:
    """The key releasing and the pages use, with a test banner."""
    made = Sealer(Fernet.generate_key())
    releasing = decisions.Releasing(
        sealer=made,
        banner=BANNER,
        banner_without_consent=BANNER_WITHOUT_CONSENT,
        organisation="Riverside Carers' Centre",
        notice_from="postmaster@riverside-carers.example.org",
        hostname="relay.riverside-carers.example.org",
        base_url=BASE_URL,
        internal_domains=(SENDER.partition("@")[2],),
    )
    monkeypatch.setattr(decisions, "releasing", lambda: releasing)
    return made


NO_CONSENT = ("no-consent", "NHS number of a known carer; no consent recorded for this recipient")
# A hold the CONFIDENTIAL banner may end: no consent is missing.
UNSCANNED = ("unscannable", "part of it could not be scanned, so nobody can say what it discloses")


def hold(
    sealer: Sealer,
    sender: str,
    recipients: list[str],
    content: bytes,
    why: tuple[str, str] = NO_CONSENT,
) -> Message:
    """A stored message with every recipient held by the rule ``why`` (its id and reason),
    and a scan record with one finding."""
    message_id = spool.store(
        sealer,
        mail_from=sender,
        recipients=recipients,
        content=content,
        client_address="127.0.0.1",
        node="relay-1",
    ).id
    for recipient in recipients:
        Outcome.objects.create(
            message_id=message_id,
            recipient=recipient,
            action="hold",
            rules=[why[0]],
            reasons=[why[1]],
            review_state=ReviewState.HELD,
        )
    record = {
        "segments": [
            {
                "location": "body (text/plain)",
                "text": "Amina's NHS number is 943 476 5919.",
                "findings": [{"type": "UK_NHS", "start": 22, "end": 34}],
            }
        ],
        "unscannable": [],
    }
    ScanRecord.objects.create(
        message_id=message_id, sealed=sealer.seal(json.dumps(record).encode())
    )
    return Message.objects.get(id=message_id)  # type: ignore[no-any-return]


@pytest.fixture
def held(sealer: Sealer) -> Message:
    """A message from SENDER held for two recipients."""
    content = EXAMPLE.read_bytes().replace(b"\n", b"\r\n")
    return hold(sealer, SENDER, [HELD_FOR, ALSO_HELD_FOR], content)


@pytest.fixture
def held_unscanned(sealer: Sealer) -> Message:
    """A message from SENDER held for two recipients because part of it could not be read:
    a manager may release it with the banner."""
    content = EXAMPLE.read_bytes().replace(b"\n", b"\r\n")
    return hold(sealer, SENDER, [HELD_FOR, ALSO_HELD_FOR], content, UNSCANNED)


@pytest.fixture
def held_from_another(sealer: Sealer) -> Message:
    """A message from OTHER_SENDER, held."""
    content = EXAMPLE.read_bytes().replace(b"\n", b"\r\n")
    return hold(sealer, OTHER_SENDER, [HELD_FOR], content)


def held_outcome(message: Message, recipient: str = HELD_FOR) -> Outcome:
    """The message's recipient ``recipient``, as it is in the database now."""
    return Outcome.objects.get(message=message, recipient=recipient)  # type: ignore[no-any-return]


def sent_email(sealer: Sealer, delivery: Delivery) -> email.message.EmailMessage:
    """What ``delivery`` sends, parsed."""
    return email.message_from_bytes(  # type: ignore[return-value]
        sealer.unseal(bytes(delivery.copy.sealed)), policy=email.policy.default
    )


@pytest.fixture
def subject(db: None) -> Subject:
    """Amina Okafor, the carer the example message is about, in the register as C-1001."""
    return Subject.objects.create(ref="C-1001", kind=SubjectKind.CARER, display_name="Amina Okafor")


@pytest.fixture
def citizens_advice(db: None) -> Agency:
    """The agency of the address HELD_FOR, by its domain."""
    agency = Agency.objects.create(name="Citizens Advice")
    AgencyDomain.objects.create(agency=agency, domain=HELD_FOR.partition("@")[2])
    return agency


@dataclass(frozen=True)
class Users:
    manager: User
    staff: User  # sent ``held``
    other_staff: User  # sent nothing held


def signed_in(users: Users, role: str, *, csrf: bool = False) -> Client:
    """A test client signed in as ``users``' ``role`` (none: "anonymous"); ``csrf``: it
    checks CSRF tokens as a browser's request would be checked."""
    client = Client(enforce_csrf_checks=csrf)
    if role != "anonymous":
        client.force_login(getattr(users, role))
    return client


def filtered(client: Client, page: str, data: dict[str, str]) -> HttpResponse:
    """The page ``page`` names, filtered as a browser filters it: the filter POSTed to the
    page (kept in the session), then the page's plain URL it redirects to."""
    sent = client.post(reverse(page), data)
    assert (sent.status_code, sent["Location"]) == (302, reverse(page))
    shown: HttpResponse = client.get(sent["Location"])
    return shown


class _Urls(HTMLParser):
    """Every URL a page holds: its links, form actions, and anything it loads."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [v for k, v in attrs if k in {"href", "action", "src", "formaction"} and v]


def assert_typed_not_in_urls(page: str, typed: list[str]) -> None:
    """None of the URLs on ``page`` holds any of ``typed``, as typed or URL-encoded."""
    parser = _Urls()
    parser.feed(page)
    assert parser.found, "the page has no URLs to check"
    for url in parser.found:
        for words in typed:
            assert words.lower() not in unquote_plus(url).lower(), url
            assert quote_plus(words).lower() not in url.lower(), url


@pytest.fixture
def users(db: None) -> Users:
    """A manager and two staff members (no passwords: the tests sign them in directly)."""
    manager_group, _ = Group.objects.get_or_create(name=MANAGER)
    staff_group, _ = Group.objects.get_or_create(name=STAFF)
    manager = User.objects.create_user("jo", email="jo.manager@riverside-carers.example.org")
    manager.groups.add(manager_group)
    staff = User.objects.create_user("priya", email=SENDER.upper())  # matched in any case
    staff.groups.add(staff_group)
    other = User.objects.create_user("chris", email="chris@riverside-carers.example.org")
    other.groups.add(staff_group)
    return Users(manager, staff, other)


@pytest.fixture
def redacting(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Pipeline:
    """The relay's core with a real scanner (the relay tests' ``pipeline``: the model loaded
    once for the session), as the review app's process makes redacted copies with it."""
    core: Pipeline = request.getfixturevalue("pipeline")
    monkeypatch.setattr(decisions, "redacting", lambda: core)
    return core
