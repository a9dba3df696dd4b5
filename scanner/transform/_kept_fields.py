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

A copy that goes to an outside recipient as it came (released, or marked CONFIDENTIAL) is
held to the same list, widened only by what a sent message needs and the scan read
(``kept_outside``; ``scanner.transform.with_headers`` applies it and checks each kept field's
form). It keeps:

- the fields above, the Date only in the form of a date and MIME-Version as "1.0";
- Reply-To and Sender (the scan reads their display names), unless they hold a number
  (``scanner.made_ids.holds_written_number``), and Message-ID, In-Reply-To and References
  unless an id in them holds one (then a new Message-ID instead);
- every field the scan reads whole as free text (``scanner.mime_parts.read_whole``): the
  Subject, Thread-Topic, Comments, Keywords, X-Mailer, User-Agent, Thread-Index, any
  ``X-`` field a person or program added, each judged with the message;

but not, even where the scan reads some of them, the families in ``DROPPED_OUTSIDE``:
Microsoft 365's and Exchange's bookkeeping (``X-MS-*``, ``X-Microsoft-*``,
``X-Forefront-*``: tenant ids, internal server names, anti-spam reports, the client's IP
address; Exchange writes its own as it sends the copy on), the client's IP address
(``X-Originating-IP``) and Gmail's own trace and hashes (``X-Received``, ``X-Google-*``,
``X-Gm-*``). Everything else goes: the trace fields (Received, Return-Path: internal host
names, often a person's, and the sender's IP address), ARC, DKIM and authentication results
(the upstream signs what it sends), List-*, Resent-*, and any field the scan does not read.
A copy to the organisation's own addresses keeps every field (but Bcc and the rest no copy
may carry) as it came.

The lists are not in rules/: they are not a policy an organisation chooses but what keeps a
copy from carrying what was not read, and the safety net (``scanner.header_fields``)
holds a redacted copy whose header still holds anything to remove, whichever fields it has.
"""

from __future__ import annotations

from email.message import Message

from scanner.made_ids import new_boundary, new_message_id
from scanner.mime_parts import read_whole

# The module, not its names: _mime needs _headers, which needs this module's list first.
from scanner.transform import _mime

_KEPT_IN_MESSAGES = frozenset({"from", "to", "cc", "date", "subject", "mime-version"})
_CONTENT = "content-"
# Kept besides in a copy to an outside recipient that goes as it came, in a form checked.
KEPT_AS_SENT = frozenset({"reply-to", "sender", "message-id", "in-reply-to", "references"})
# Families dropped from a copy to an outside recipient even where the scan reads a field.
DROPPED_OUTSIDE = (
    "x-ms-", "x-microsoft-", "x-forefront-", "x-originating-", "x-received", "x-google-",
    "x-gm-",
)  # fmt: skip


def kept_outside(name: str) -> bool:
    """Whether a copy that goes to an outside recipient as it came may carry the field
    ``name`` (lower case) of its message's header, its form checked where the module's doc
    says so."""
    if name in _KEPT_IN_MESSAGES or name in KEPT_AS_SENT or name.startswith(_CONTENT):
        return True
    return read_whole(name) and not name.startswith(DROPPED_OUTSIDE)


def keep_only_allowed_fields(message: Message) -> None:
    """Remove every header field the allow-list does not keep, in ``message``, its parts and
    its forwarded messages; give it a new Message-ID and every multipart a new boundary."""
    whole = {id(each) for each in _mime.messages(message)}
    for part in message.walk():
        kept = _KEPT_IN_MESSAGES if id(part) in whole else frozenset()
        for name in {key.lower() for key in part}:
            if name not in kept and not name.startswith(_CONTENT):
                del part[name]
        if part.get_content_maintype() == "multipart":
            part.set_boundary(new_boundary())
    message["Message-ID"] = new_message_id()
