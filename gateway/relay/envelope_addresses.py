"""Which envelope addresses the door accepts: ones that name one mailbox plainly, and that the
hold notice and the delivery failure report can be written to and about.

Each check returns the SMTP reply refusing the address, or ``None``. No reply repeats the
address: it is the client's own input, and may hold anything.
"""

from __future__ import annotations

import functools
import re

from gateway.relay.notices import NOTICE_POLICY

# RFC 5321 section 4.1.2 allows no control characters anywhere in an address, quoted or not,
# and the door accepts ASCII only (it does not offer SMTPUTF8).
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")

# A local part the door accepts: RFC 5322 atext and dots, without "%" and "!". Those two, a
# quoted local part (which may hold "@") and a source route each ask the next server to pass
# the message on to another address, so a recipient that looks internal could be anywhere.
_PLAIN_LOCAL_PART = re.compile(r"[A-Za-z0-9.#$&'*+\-/=?^_`{|}~]*")

NULL_RECIPIENT = "501 5.1.3 A recipient cannot be the null address"
SENDER_NOT_USABLE = (
    "553 5.1.7 The sender address contains characters that cannot be written in a mail "
    "header; use a plain address"
)
RECIPIENT_NOT_USABLE = (
    "553 5.1.3 The recipient address contains characters that cannot be written in a mail "
    "header; use a plain address"
)
# Addresses remembered with whether the notice builders can write them: asking the email
# package costs about a tenth of a millisecond an address, for each MAIL and RCPT, and a relay
# sees the same senders and recipients over and over. At most this many, each at most a
# command line long (about 1 kB).
REMEMBERED_ADDRESSES = 1024

RECIPIENT_ROUTED = (
    "553 5.1.3 Addresses that pass mail on to another address (with %, !, quotes or a "
    "source route) are not accepted; send to the final address"
)


def sender_refusal(address: str) -> str | None:
    """The reply refusing ``address`` in MAIL FROM, or ``None`` if the door accepts it."""
    if not _usable_in_notices(address):
        return SENDER_NOT_USABLE
    return None


def recipient_refusal(address: str) -> str | None:
    """The reply refusing ``address`` in RCPT TO, or ``None`` if the door accepts it."""
    if address == "<>":
        return NULL_RECIPIENT
    if not _usable_in_notices(address):
        return RECIPIENT_NOT_USABLE
    local_part = address.rpartition("@")[0] if "@" in address else address
    if not _PLAIN_LOCAL_PART.fullmatch(local_part):
        return RECIPIENT_ROUTED
    return None


@functools.lru_cache(maxsize=REMEMBERED_ADDRESSES)
def _usable_in_notices(address: str) -> bool:
    """Whether ``address`` is printable ASCII, as RFC 5321 has it, and the notice builders can
    write it."""
    return bool(_PRINTABLE_ASCII.fullmatch(address)) and notice_headers_accept(address)


def notice_headers_accept(address: str) -> bool:
    """Whether the notice builders can write ``address`` where they write it: as the To of a
    notice to the sender, and in a delivery failure report's Final-Recipient field. Asks the
    email package, with the notices' own policy, to store and fold both headers."""
    try:
        for name, value in (("To", address), ("Final-Recipient", f"rfc822; {address}")):
            stored_name, stored_value = NOTICE_POLICY.header_store_parse(name, value)
            NOTICE_POLICY.fold_binary(stored_name, stored_value)
    except Exception:  # noqa: BLE001  # whatever the email package refuses, the builders would
        return False
    return True
