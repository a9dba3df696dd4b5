"""Held messages full of personal data, and the mail queued to managers, read back."""

from __future__ import annotations

import uuid
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

from django.contrib.auth.models import Group, User

from gateway.relay.models import Copy, CopyKind, Message
from gateway.review.roles import MANAGER
from gateway.sealing import Sealer
from tests.gateway.review.conftest import HELD_FOR, SENDER, hold

# Everything personal in the held message: none of it may be in the managers' mail.
PERSONAL = (
    "Amina Okafor",
    "Okafor",
    "943 476 5919",
    "9434765919",
    "07700 900123",
    "sertraline",
    "depression",
    "Carer's assessment",
    SENDER,
    "priya.sharma",
    HELD_FOR,
    "citizensadvice",
)
CONTENT = (
    f"From: Priya Sharma <{SENDER}>\r\nTo: {HELD_FOR}\r\n"
    "Subject: Carer's assessment for Amina Okafor\r\n\r\n"
    "Amina Okafor (NHS 943 476 5919, 07700 900123) is on sertraline for depression.\r\n"
).encode()


def held_at(sealer: Sealer, received_at: datetime, recipients: int = 1) -> Message:
    """A message full of personal data, received at ``received_at``, held for recipients."""
    addresses = [HELD_FOR, "duty@leeds-asc.example", "team@nhs.example"][:recipients]
    unique = f"Message-ID: <{uuid.uuid4()}@riverside-carers.example.org>\r\n".encode()
    message = hold(sealer, SENDER, addresses, unique + CONTENT)  # not taken for a resend
    Message.objects.filter(id=message.id).update(received_at=received_at)
    return message


def manager(name: str, email: str, *, active: bool = True) -> User:
    user: User = User.objects.create_user(name, email=email, is_active=active)
    user.groups.add(Group.objects.get_or_create(name=MANAGER)[0])
    return user


def queued_to_managers(sealer: Sealer) -> list[tuple[EmailMessage, list[str], bytes]]:
    """Each email queued to managers, oldest first: parsed, its recipients, its bytes."""
    found = []
    for copy in Copy.objects.filter(kind=CopyKind.NOTICE, mail_from="").order_by("id"):
        raw = sealer.unseal(bytes(copy.sealed))
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        recipients = sorted(copy.deliveries.values_list("recipient", flat=True))
        found.append((parsed, recipients, raw))
    return found


def text_of(email: EmailMessage) -> str:
    body = email.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())
