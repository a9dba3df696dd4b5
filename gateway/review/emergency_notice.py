"""The email every manager gets at once when a staff member makes an emergency release.

A pure function of its arguments (no Django, no I/O) returning bytes ready to send, like the
relay's notices (``gateway.relay.notices``). It names who released what to whom and where to
review it; it carries neither the message's text nor the staff member's note (that stays on
the logbook page, behind sign-in).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from gateway.relay.notices import NOTICE_POLICY, TEXT_WIDTH


def emergency_release_notice(
    *,
    manager: str,
    released_by: str,
    recipient: str,
    rules: Sequence[str],
    entry_id: int,
    where: str,
    organisation: str,
    from_address: str,
    confide_id: str,
    at: datetime,
    hostname: str,
) -> bytes:
    """A notice to ``manager`` that ``released_by`` released their own held message to
    ``recipient`` stating immediate danger, and that logbook entry ``entry_id`` waits for a
    manager's review at ``where`` (a link, or where to find it in the review pages)."""
    notice = EmailMessage(policy=NOTICE_POLICY)
    notice["From"] = Address(display_name=organisation or "confide", addr_spec=from_address)
    notice["To"] = manager
    notice["Subject"] = f"Emergency release by {released_by}: please review"
    notice["Date"] = format_datetime(at)
    notice["Message-ID"] = make_msgid(domain=hostname)
    notice["Auto-Submitted"] = "auto-generated"
    notice["X-Confide-Processed"] = "yes"
    notice["X-Confide-Id"] = confide_id
    sections = [
        "Hello,",
        _paragraph(
            f"{released_by} has released a held message in an emergency, stating that there "
            "is immediate danger. It went out marked CONFIDENTIAL to:"
        ),
        f"  {recipient}",
        _paragraph(f"It was held by: {', '.join(rules) or 'no rule recorded'}."),
        _paragraph(
            f"Logbook entry {entry_id} is flagged for a manager's review: please confirm that "
            "the release was justified, or record it as a breach. Their note is on the "
            "entry's page."
        ),
        f"Review it at:\n  {where}",
        _paragraph(f"The message's reference: {confide_id}"),
        organisation or "confide",
    ]
    notice.set_content("\n\n".join(sections) + "\n")
    return notice.as_bytes()


def _paragraph(text: str) -> str:
    return textwrap.fill(text, TEXT_WIDTH, break_long_words=False, break_on_hyphens=False)
