"""The email every manager gets at once when a staff member makes an emergency release,
written and queued like the managers' other mail (``manager_mail``): one copy, delivered to
each active manager with an address.

It names who released the message, to whom, the rules that held it and the logbook entry to
review (a link under ``review.base_url``); it carries neither the message's text nor the
staff member's note (that stays on the entry's page, behind sign-in).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from gateway.relay.notices import paragraph
from gateway.review import decisions, manager_mail
from gateway.review.links import logbook_entry_link


def tell_managers(
    *,
    entry_id: int,
    released_by: str,
    recipient: str,
    rules: Sequence[str],
    message_id: uuid.UUID,
    at: datetime,
) -> int:
    """Queue the notice of logbook entry ``entry_id`` to every manager with an address; how
    many are told (0: none has an address, and nothing is queued)."""
    managers = manager_mail.manager_addresses()
    if not managers:
        return 0
    made = decisions.releasing()
    text = emergency_release_text(
        released_by=released_by,
        recipient=recipient,
        rules=rules,
        entry_id=entry_id,
        where=logbook_entry_link(made.base_url, entry_id)
        or f"the review pages: Logbook, entry {entry_id}",
        message_id=message_id,
        organisation=made.organisation,
    )
    content = manager_mail.manager_email(
        subject=f"Emergency release by {released_by}: please review",
        text=text,
        to=managers,
        at=at,
    )
    manager_mail.queue_to_managers(content, managers, about=message_id)
    return len(managers)


def emergency_release_text(
    *,
    released_by: str,
    recipient: str,
    rules: Sequence[str],
    entry_id: int,
    where: str,
    message_id: uuid.UUID,
    organisation: str,
) -> str:
    """The notice's text: ``released_by`` released their own held message to ``recipient``
    stating immediate danger, and logbook entry ``entry_id`` waits for a manager's review at
    ``where``."""
    sections = [
        "Hello,",
        paragraph(
            f"{released_by} has released a held message in an emergency, stating that there "
            "is immediate danger. It went out marked CONFIDENTIAL to:"
        ),
        f"  {recipient}",
        paragraph(f"It was held by: {', '.join(rules) or 'no rule recorded'}."),
        paragraph(
            f"Logbook entry {entry_id} is flagged for a manager's review: please confirm that "
            "the release was justified, or record it as a breach. Their note is on the "
            "entry's page."
        ),
        f"Review it at:\n  {where}",
        paragraph(f"The message's reference: {message_id}"),
        organisation or "confide",
    ]
    return "\n\n".join(sections) + "\n"
