"""Two nodes on one PostgreSQL: `confide run` twice (one database, one key file, two node
names), a few hundred messages sent through both by several clients, one node killed with
``kill -9`` (its whole process group) in the middle. Every recipient of every accepted
message ends in exactly one final state, nothing is sent twice outside the documented
window, and the survivor finishes the dead node's claims once their leases lapse.

The leases are made short through configuration ([relay] scan_lease_seconds and
delivery_lease_seconds), so the survivor takes over within seconds, not minutes."""

from __future__ import annotations

import email
import email.policy
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from gateway.config import OrganisationSettings
from gateway.register.csv_import import import_register
from gateway.relay.models import Delivery, DeliveryState, Message, MessageState, Outcome
from gateway.relay.service import PARALLEL_DELIVERIES
from scanner.consent import ALL_SCOPES
from scanner.policy.policy_file import load_policy
from tests.e2e.confide_run import ConfideRun
from tests.e2e.conftest import (
    COLLEAGUE,
    EXAMPLES,
    INTERNAL,
    NOT_CONSENTED,
    SENDER,
    Received,
    Sink,
    send_until_accepted,
    wait_for,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.both_backends]

MESSAGES = 240
CLIENTS = 6  # SMTP clients sending at once, each to both nodes in turn
LEASE_SECONDS = 5  # both leases: the survivor takes over about this long after the kill
REFUSED = "gone@example.net"  # the upstream refuses it: a bounce
CARER_UPDATE = (EXAMPLES / "carer-update.eml").read_bytes().replace(b"\n", b"\r\n")
NAMES = ("node-a", "node-b")


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "several nodes share one PostgreSQL; this runs in the PostgreSQL pass "
            "(make test with CONFIDE_TEST_POSTGRES_URL set)"
        )


def helo(name: str) -> str:
    """The host name node ``name`` gives upstream in EHLO, which tells the sink who sent."""
    return f"{name}.{INTERNAL}"


@pytest.fixture
def nodes(tmp_path: Path, database_url: str, sink: Sink) -> Iterator[dict[str, ConfideRun]]:
    """Two `confide run` nodes on the test's database, started side by side: the same key
    file, their own names, data folders and ports."""
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o700)
    key = shared / "confide.key"
    key.write_bytes(Fernet.generate_key() + b"\n")
    key.chmod(0o600)
    started: dict[str, ConfideRun] = {}
    for name in NAMES:
        folder = tmp_path / name
        folder.mkdir()
        node = ConfideRun(folder, sink.port, database_url)
        node.env.update(
            CONFIDE_RELAY__NODE=name,
            CONFIDE_RELAY__HOSTNAME=helo(name),
            CONFIDE_RELAY__KEY_FILE=str(key),
            CONFIDE_RELAY__SCAN_LEASE_SECONDS=str(LEASE_SECONDS),
            CONFIDE_RELAY__DELIVERY_LEASE_SECONDS=str(LEASE_SECONDS),
            CONFIDE_LOG_LEVEL="INFO",
        )
        started[name] = node
    import_register_here()
    try:
        for node in started.values():
            node.launch()
        for node in started.values():
            node.wait_until_serving()
        yield started
    finally:
        for node in started.values():
            node.stop()


def import_register_here() -> None:
    """Import the example consent register in this process (the nodes share its database):
    quicker than `confide consent import` in another."""
    register = EXAMPLES / "register"
    policy = load_policy(OrganisationSettings().policy)
    imported = import_register(
        scopes=(*policy.consent_scopes, ALL_SCOPES),
        agencies=register / "agencies.csv",
        subjects=register / "subjects.csv",
        consents=register / "consents.csv",
    )
    assert not imported.error, imported.error


def message(n: int) -> tuple[bytes, list[str]]:
    """Message ``n`` and its recipients: clean ones (one or three recipients), personal data
    for an agency without consent (held, the sender told), a refused recipient (bounced)."""
    token = f"Message-ID: <two-nodes-{n}@{INTERNAL}>\r\n".encode()
    clean = (
        f"From: {SENDER}\r\nTo: friends@example.net\r\nSubject: Coffee morning {n}\r\n".encode()
        + token
        + b"\r\nThe coffee morning is on Friday at ten in the church hall.\r\n"
    )
    friend = f"friend{n}@example.net"
    kinds = [
        (clean, [friend]),
        (clean, [friend, f"neighbour{n}@example.net", COLLEAGUE]),
        (clean, [friend]),
        (token + CARER_UPDATE, [NOT_CONSENTED]),
        (clean, [friend]),
        (clean, [friend, REFUSED]),
    ]
    return kinds[n % len(kinds)]


def expected_end(key: tuple[str, str], content: bytes) -> str:
    """How a recipient of ``message`` must end: the carer's update to an agency without
    consent is held, the refused address bounced, everything else delivered (a message
    passed between nodes so often that it was held unprocessed would show here)."""
    if key[1] == REFUSED:
        return "bounced"
    return "held" if content.endswith(CARER_UPDATE) else "delivered"


def settled() -> bool:
    """Whether every message is processed and no delivery waits."""
    return not (
        Message.objects.exclude(state=MessageState.PROCESSED).exists()
        or Delivery.objects.filter(state=DeliveryState.QUEUED).exists()
    )


def test_two_nodes_share_the_work_and_the_survivor_finishes_a_killed_nodes_claims(
    nodes: dict[str, ConfideRun], sink: Sink
):
    """A few hundred messages through two nodes, one killed with SIGKILL half-way: every
    recipient of every 250 ends delivered once, held or bounced; the dead node's claims are
    finished by the survivor once they lapse, not before; a copy reaches the sink twice only
    in the documented window (taken from the dead node before the kill, its 250 not yet
    recorded, then sent again by the survivor)."""
    sink.handler.refuse.add(REFUSED)
    sink.handler.data_delay = 0.1  # copies are on their way upstream when the node dies
    dead, survivor = (nodes[name] for name in NAMES)
    ports = {name: node.smtp_port for name, node in nodes.items()}
    accepted: dict[str, list[str]] = {}
    plan = [message(n) for n in range(MESSAGES)]
    plan_of: dict[str, bytes] = {}  # each accepted message's content, by confide's id

    def send(n: int) -> None:
        content, recipients = plan[n]
        order = [ports[NAMES[n % 2]], ports[NAMES[(n + 1) % 2]]]
        message_id = send_until_accepted(order, content, recipients)
        accepted[message_id] = recipients
        plan_of[message_id] = content

    # Each node's first message waits for its scanning worker to load the model.
    with ThreadPoolExecutor(2) as clients:
        list(clients.map(send, range(2)))
    wait_for(lambda: len(sink.handler.received) >= 2, what="both nodes to deliver")
    with ThreadPoolExecutor(CLIENTS) as clients:
        sending = [clients.submit(send, n) for n in range(2, MESSAGES)]
        wait_for(
            lambda: (
                sum(r.helo == helo(NAMES[0]) for r in sink.handler.received) >= 20
                and len(accepted) >= MESSAGES // 2
            ),
            what="both nodes busy",
        )
        dead.kill()  # kill -9 its process group: the relay, its workers and theirs
        killed_at = time.time()
        # What the dead node held: the survivor must finish it, once the leases lapse.
        held_messages = dict(
            Message.objects.filter(claimed_by=NAMES[0], state=MessageState.RECEIVED)
            .values_list("id", "claimed_until")
        )  # fmt: skip
        held_deliveries = dict(
            Delivery.objects.filter(claimed_by=NAMES[0], state=DeliveryState.QUEUED)
            .values_list("id", "claimed_until")
        )  # fmt: skip
        for future in sending:
            future.result()
    assert held_messages or held_deliveries, "the kill came when the node held nothing"
    assert len(accepted) == MESSAGES  # one id each: distinct messages, resends recognised
    wait_for(settled, timeout=90, what="every message processed and every copy sent")
    time.sleep(0.5)  # the sink has recorded what the survivor recorded as sent

    # What the sink took, by confide's message id and recipient, in the order taken.
    taken: dict[tuple[str, str], list[Received]] = defaultdict(list)
    for received in sink.handler.received:
        headers = email.message_from_bytes(received.content, policy=email.policy.default)
        for address in received.rcpt_tos:
            taken[(str(headers["X-Confide-Id"]), address)].append(received)

    # Twice only in the documented window: the dead node sent it before the kill, and died
    # before recording the upstream's 250; the survivor sent it once after.
    def in_the_window(copies: list[Received]) -> bool:
        first, *later = copies
        return (
            len(later) == 1
            and (first.helo, later[0].helo) == (helo(NAMES[0]), helo(NAMES[1]))
            and first.at < killed_at <= later[0].at
        )

    twice = {key: copies for key, copies in taken.items() if len(copies) > 1}
    tolerated = {key: copies for key, copies in twice.items() if in_the_window(copies)}
    assert twice.keys() == tolerated.keys(), f"sent more than once: {sorted(twice)}"
    # One copy per sending thread at most was between the upstream's 250 and its record.
    assert len({id(copies[0]) for copies in tolerated.values()}) <= PARALLEL_DELIVERIES
    print(f"in the window between 250 and its record at the kill: {sorted(tolerated)}")

    # Exactly one final state for each recipient of each accepted message.
    outcomes = Counter(
        (str(m), r) for m, r in Outcome.objects.values_list("message_id", "recipient")
    )
    held = {
        (str(m), r)
        for m, r in Outcome.objects.filter(review_state="held").values_list(
            "message_id", "recipient"
        )
    }
    deliveries = list(
        Delivery.objects.values_list("copy__message_id", "copy__kind", "recipient", "state")
    )
    failed = {(str(m), r) for m, kind, r, state in deliveries
              if state == DeliveryState.FAILED and kind not in ("notice", "bounce")}  # fmt: skip
    assert Message.objects.count() == MESSAGES
    for message_id, recipients in accepted.items():
        for address in recipients:
            key = (message_id, address)
            states = [
                name
                for name, reached in (
                    ("delivered", bool(taken.get(key))),
                    ("held", key in held),
                    ("bounced", key in failed),
                )
                if reached
            ]
            assert states == [expected_end(key, plan_of[message_id])], key
            assert outcomes[key] == 1, key
    told = {str(m) for m, kind, _, _ in deliveries if kind in ("notice", "bounce")}
    assert told == {m for m, _ in held | failed}
    for message_id in told:
        assert len(taken.get((message_id, SENDER), [])) == 1 or (message_id, SENDER) in tolerated

    # The survivor finished what the dead node held, once its claims had lapsed.
    for message_id, claimed_until in held_messages.items():
        done = Message.objects.get(id=message_id)
        assert done.state == MessageState.PROCESSED
        assert done.processed_at is not None
        assert done.processed_at >= claimed_until
    for delivery_id, claimed_until in held_deliveries.items():
        finished = Delivery.objects.select_related("copy").get(id=delivery_id)
        assert finished.state in (DeliveryState.SENT, DeliveryState.FAILED)
        if finished.state == DeliveryState.SENT:
            after = [r for r in taken[(str(finished.copy.message_id), finished.recipient)]
                     if r.helo == helo(NAMES[1])]  # fmt: skip
            assert after, delivery_id
            assert after[-1].at >= claimed_until.timestamp(), delivery_id
    print(
        f"taken over from the killed node: {len(held_messages)} messages, "
        f"{len(held_deliveries)} deliveries"
    )
    assert survivor.process is not None
    assert survivor.process.poll() is None
    for node in nodes.values():
        assert "Traceback" not in node.log.read_text(errors="replace"), node.log
