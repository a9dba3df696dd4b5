"""The header fields a redacted copy may carry: an allow-list, so that a field nobody thought
of never passes unexamined.

A message's header holds much that was never read as content: addresses in Reply-To, Sender
and the trace fields, ids in Message-ID and References that mail programs make from anything
(a name and an NHS number, as one was found to). A redacted copy keeps only what delivery,
display and MIME need, all of it read by the scan and rewritten by the redaction:

- in the message and in each forwarded message: From, To, Cc, Date, Subject, MIME-Version
  and the ``Content-*`` fields;
- in every other MIME part: the ``Content-*`` fields (RFC 2045 gives a part no others).

Everything else goes: Reply-To and Sender (replies go to From), Bcc, Resent-*, the trace
fields (Received, Return-Path, X-Original-To), List-*, every ``X-`` field (confide adds its
own after redacting), Comments and Keywords. Message-ID is made anew (``scanner.made_ids``), and
In-Reply-To and References go: ids are opaque, so no scan can tell a safe one from one made
of a name, and an id rewritten matches nothing. The cost is that the recipient's mail program
does not thread the redacted copy with earlier messages; it is a different message from the
one sent, so that is right. Every multipart's boundary is made anew too: the
sender's mail program chose it, and the scan does not read it.

The list is not in rules/: it is not a policy an organisation chooses but what keeps a
redacted copy from carrying what was not read, and the safety net (``scanner.header_fields``)
holds a copy whose header still holds anything to remove, whichever fields it has.
"""

from __future__ import annotations

from email.message import Message

from scanner.made_ids import new_boundary, new_message_id
from scanner.transform._mime import messages

_KEPT_IN_MESSAGES = frozenset({"from", "to", "cc", "date", "subject", "mime-version"})
_CONTENT = "content-"


def keep_only_allowed_fields(message: Message) -> None:
    """Remove every header field the allow-list does not keep, in ``message``, its parts and
    its forwarded messages; give it a new Message-ID and every multipart a new boundary."""
    whole = {id(each) for each in messages(message)}
    for part in message.walk():
        kept = _KEPT_IN_MESSAGES if id(part) in whole else frozenset()
        for name in {key.lower() for key in part}:
            if name not in kept and not name.startswith(_CONTENT):
                del part[name]
        if part.get_content_maintype() == "multipart":
            part.set_boundary(new_boundary())
    message["Message-ID"] = new_message_id()
