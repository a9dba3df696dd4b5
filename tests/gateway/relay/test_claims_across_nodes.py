"""Two nodes claiming work from one PostgreSQL at the same moment: no message and no
delivery is ever claimed by both (each claimer is a thread with its own connection)."""

import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import pytest
from django.db import connection

from gateway.relay import delivery, spool
from gateway.relay.models import Copy, CopyKind, Delivery, Message

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.both_backends]

ROUNDS = 25
ITEMS_PER_ROUND = 40
BATCH = 15  # smaller than a round: each claimer comes back for more while the other claims


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite takes one writer at a time (IMMEDIATE transactions), so there is no race "
            "to show; this runs in the PostgreSQL pass (make test with CONFIDE_TEST_POSTGRES_URL)"
        )


def _race[T](claim: Callable[[str], Sequence[T]]) -> tuple[list[T], list[T]]:
    """Run ``claim`` for two nodes in two threads, side by side (each call starts at the same
    moment), enough times for either to take everything alone; what each won."""
    won: tuple[list[T], list[T]] = ([], [])
    start_together = threading.Barrier(2, timeout=30)
    failures: list[BaseException] = []

    def node(index: int) -> None:
        try:
            for _ in range(ITEMS_PER_ROUND // BATCH + 2):
                start_together.wait()
                won[index].extend(claim(f"relay-{index}"))
        except BaseException as exc:  # noqa: BLE001  # reported by the test
            failures.append(exc)
            start_together.abort()
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=node, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    return won


def _messages(count: int) -> set[uuid.UUID]:
    rows = Message.objects.bulk_create(
        Message(
            digest=uuid.uuid4().hex,
            mail_from="a@riverside-carers.example.org",
            recipients=["b@example.net"],
            client_address="127.0.0.1",
            size=1,
            sealed=b"x",
        )
        for _ in range(count)
    )
    return {row.id for row in rows}


def test_two_nodes_never_claim_the_same_message():
    """Round after round, two claimers take batches of the same waiting messages at once:
    every message goes to exactly one of them, with one attempt counted."""
    for _ in range(ROUNDS):
        waiting = _messages(ITEMS_PER_ROUND)
        first, second = _race(
            lambda node: spool.claim_waiting(node, datetime.now(UTC), limit=BATCH)
        )
        assert not set(first) & set(second)
        assert len(first) + len(second) == len(set(first) | set(second)) == ITEMS_PER_ROUND
        assert set(first) | set(second) == waiting
    assert set(Message.objects.values_list("scan_attempts", flat=True)) == {1}


def test_two_nodes_never_claim_the_same_delivery():
    """The same for due deliveries: each is claimed by exactly one node."""
    message = Message.objects.get(id=next(iter(_messages(1))))
    copy = Copy.objects.create(message=message, kind=CopyKind.RELEASE, sealed=b"x")
    for _ in range(ROUNDS):
        due = Delivery.objects.bulk_create(
            Delivery(copy=copy, recipient=f"r{i}@example.net") for i in range(ITEMS_PER_ROUND)
        )
        first, second = _race(
            lambda node: [
                d
                for claim in delivery.claim_due(node, datetime.now(UTC), limit=BATCH)
                for d in claim.delivery_ids
            ]
        )
        assert not set(first) & set(second)
        assert set(first) | set(second) == {d.id for d in due}
        for node, ids in (("relay-0", first), ("relay-1", second)):
            assert set(
                Delivery.objects.filter(id__in=ids).values_list("claimed_by", flat=True)
            ) <= {node}
