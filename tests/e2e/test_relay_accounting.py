"""Every 250 accounted for: eighty mixed messages through the real relay, killed with
``kill -9`` once in the middle, and each recipient of each accepted message ends in exactly
one final state: delivered once, held for a manager, or bounced to the sender."""

from __future__ import annotations

import email
import email.policy
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from gateway.relay.service import PARALLEL_DELIVERIES
from tests.e2e.conftest import (
    COLLEAGUE,
    CONSENTED,
    EXAMPLES,
    NOT_CONSENTED,
    SENDER,
    Relay,
    Sink,
    send_until_accepted,
    wait_for,
)
from tests.e2e.relay_database import accounts

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.both_backends]

MESSAGES = 80  # ten of each kind: enough to be busy at every stage when killed
CLIENTS = 4  # SMTP clients sending at once
REFUSED = "gone@example.net"  # the upstream refuses it: a bounce
TWO_WORKERS = {"CONFIDE_RELAY__SCAN_WORKERS": "2"}  # one per core
CARER_UPDATE = (EXAMPLES / "carer-update.eml").read_bytes().replace(b"\n", b"\r\n")


def mixed_message(n: int) -> tuple[bytes, list[str]]:
    """Message ``n`` of the run and its recipients: clean ones, personal data for agencies
    with and without consent (held), a refused recipient, odd MIME and a huge header."""
    token = f"Message-ID: <accounting-{n}@riverside-carers.example.org>\r\n".encode()
    clean = (
        f"From: {SENDER}\r\nTo: friends@example.net\r\nSubject: Coffee morning {n}\r\n".encode()
        + token
        + b"\r\nThe coffee morning is on Friday at ten in the church hall.\r\n"
    )
    odd = (  # a multipart whose boundary never appears
        f"From: {SENDER}\r\nTo: friends@example.net\r\nSubject: odd {n}\r\n".encode()
        + token
        + b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="nowhere"\r\n'
        b"\r\nCoffee on Friday.\r\n"
    )
    # A header of some 50 kB, folded over 700 lines.
    huge = b"X-Padding: start\r\n" + b"".join(b" " + b"x" * 68 + b"\r\n" for _ in range(700))
    friend = f"friend{n}@example.net"
    kinds = [
        (clean, [friend]),
        (clean, [friend]),
        (clean, [friend, f"neighbour{n}@example.net", COLLEAGUE]),
        (token + CARER_UPDATE, [NOT_CONSENTED]),
        (token + CARER_UPDATE, [COLLEAGUE, CONSENTED, NOT_CONSENTED]),
        (clean, [friend, REFUSED]),
        (odd, [friend]),
        (clean.replace(token, token + huge), [friend]),
    ]
    return kinds[n % len(kinds)]


def test_every_accepted_recipient_ends_in_exactly_one_final_state(
    make_relay: Callable[..., Relay], sink: Sink
):
    """Eighty mixed messages, the relay killed with SIGKILL half-way and started again:
    for every recipient of every 250, delivered to the sink once, or held, or bounced;
    nothing lost and nothing twice.

    The one tolerated exception is the documented window: a copy the upstream took before
    the kill whose 250 the relay had not yet recorded, sent once more after the restart
    (see ``in_the_window``; the test prints the ones it saw)."""
    sink.handler.refuse.add(REFUSED)
    relay = make_relay(sink.port, **TWO_WORKERS)
    plan = [mixed_message(n) for n in range(MESSAGES)]
    accepted: dict[str, list[str]] = {}

    def send(n: int) -> None:
        content, recipients = plan[n]
        accepted[send_until_accepted([relay.port], content, recipients)] = recipients

    with ThreadPoolExecutor(CLIENTS) as clients:
        sending = [clients.submit(send, n) for n in range(MESSAGES // 2)]
        wait_for(lambda: len(sink.handler.received) >= MESSAGES // 4, what="deliveries")
        sending += [clients.submit(send, n) for n in range(MESSAGES // 2, MESSAGES)]
        wait_for(lambda: len(accepted) >= MESSAGES // 2 + 10, what="more messages")
        # Killed while copies go upstream, messages wait to be scanned and clients send.
        relay.kill()  # kill -9 the relay and its workers
        taken_before_kill = len(sink.handler.received)
        # The kill came mid-work: copies had gone upstream (waited for above), and messages
        # still waited to be scanned.
        at_kill = Counter(accounts(relay)["messages"].values())
        assert at_kill["received"], at_kill
        relay.start(**TWO_WORKERS)
        for future in sending:
            future.result()
    assert len(accepted) == MESSAGES  # one id each: distinct messages, resends recognised

    def settled() -> dict | None:
        state = accounts(relay)
        busy = [d for d in state["deliveries"] if d[3] == "queued"]
        unscanned = [i for i, s in state["messages"].items() if s != "processed"]
        return None if busy or unscanned else state

    final = wait_for(settled, timeout=120, what="every message processed and sent")
    time.sleep(1.0)  # the sink has recorded what the relay recorded as sent

    # What the sink took, by the relay's message id and recipient, in the order taken.
    taken: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, received in enumerate(sink.handler.received):
        headers = email.message_from_bytes(received.content, policy=email.policy.default)
        for address in received.rcpt_tos:
            taken[(str(headers["X-Confide-Id"]), address)].append(index)

    # A recipient sent a copy twice is tolerated only in the documented window: the upstream
    # took the copy before the kill and the relay died before recording it. Then the relay
    # recorded one attempt only (the resend after the restart), one delivery for it, and the
    # sink took it once before the kill and once after.
    attempts = defaultdict(list)
    for m, _, r, state, tries in final["deliveries"]:
        attempts[(m, r)].append((state, tries))

    def in_the_window(key: tuple[str, str], indexes: list[int]) -> bool:
        first, *later = indexes
        return (
            attempts[key] == [("sent", 1)]
            and len(later) == 1
            and first < taken_before_kill <= later[0]
        )

    twice = {key: ix for key, ix in taken.items() if len(ix) > 1}
    tolerated = {key: ix for key, ix in twice.items() if in_the_window(key, ix)}
    assert twice == tolerated, f"sent more than once: {twice}"
    # One copy per sending thread at most was between the upstream's 250 and its record.
    assert len({ix[0] for ix in tolerated.values()}) <= PARALLEL_DELIVERIES
    print(f"in the window between 250 and its record at the kill: {sorted(tolerated)}")

    held = {(m, r) for m, r, _, review in final["outcomes"] if review == "held"}
    failed = {(m, r) for m, kind, r, state, _ in final["deliveries"]
              if state == "failed" and kind not in ("notice", "bounce")}  # fmt: skip
    outcomes = Counter((m, r) for m, r, _, _ in final["outcomes"])
    for message_id, recipients in accepted.items():
        for address in recipients:
            key = (message_id, address)
            states = [
                name
                for name, reached in (
                    ("delivered", len(taken.get(key, [])) >= 1),
                    ("held", key in held),
                    ("bounced", key in failed),
                )
                if reached
            ]
            assert len(states) == 1, (key, states)
            assert outcomes[key] == 1, key
    # Each bounce and hold notice reached the sender, once (or twice in the window only).
    told = {m for m, kind, _, _, _ in final["deliveries"] if kind in ("notice", "bounce")}
    assert told == {m for m, _ in held | failed}
    for message_id in told:
        copies = taken.get((message_id, SENDER), [])
        assert len(copies) == 1 or (message_id, SENDER) in tolerated, message_id
    assert not relay.died()
    assert "Traceback" not in relay.log_text()
