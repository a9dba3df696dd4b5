"""Database work from several threads committed together (``GroupCommit``): what waits while a
commit is under way goes into the next one, each caller gets its own work's result or error,
and a piece that fails takes nothing of the others with it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import pytest
from cryptography.fernet import Fernet
from django.db import OperationalError, connections

from gateway.relay import spool
from gateway.relay.group_commit import GroupCommit
from gateway.relay.models import Message
from gateway.sealing import Sealer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.both_backends]

SEALER = Sealer(Fernet.generate_key())


def _store(text: str) -> Callable[[], spool.Stored]:
    def work() -> spool.Stored:
        return spool.store(
            SEALER,
            mail_from="priya@riverside-carers.example.org",
            recipients=["sam@example.net"],
            content=f"Subject: {text}\r\n\r\nSee you then.\r\n".encode(),
            client_address="127.0.0.1",
            node="relay-1",
        )

    return work


def _in_threads(
    commits: GroupCommit, first: Callable[[], object], then: list[Callable[[], object]]
) -> tuple[Future[object], list[Future[object]]]:
    """``first`` given to ``commits`` in a thread, which runs it in a commit of its own and
    waits inside it until every one of ``then`` has been given too, each in its thread."""
    leading = threading.Event()

    def held_open() -> object:
        leading.set()
        deadline = time.monotonic() + 30
        while len(commits._waiting) < len(then):  # the group's own list: they all wait
            assert time.monotonic() < deadline
            time.sleep(0.01)
        return first()

    def give(work: Callable[[], object]) -> object:
        try:
            return commits.run(work)
        finally:
            connections.close_all()  # this thread's

    with ThreadPoolExecutor(len(then) + 1) as threads:
        leader = threads.submit(give, held_open)
        assert leading.wait(timeout=30)
        followers = [threads.submit(give, work) for work in then]
        for future in [leader, *followers]:
            future.exception(timeout=60)
    return leader, followers


def test_work_given_while_a_commit_is_under_way_is_committed_together_in_one_thread():
    """Two threads that give their work while another's commit is under way have it run one
    after the other in one thread's transaction, and each gets its own work's result."""
    commits = GroupCommit()
    ran_in: list[int] = []

    def noted(work: Callable[[], spool.Stored]) -> Callable[[], spool.Stored]:
        def run() -> spool.Stored:
            ran_in.append(threading.get_ident())
            return work()

        return run

    leader, followers = _in_threads(
        commits, _store("first"), [noted(_store("second")), noted(_store("third"))]
    )
    stored = [leader.result(), *(f.result() for f in followers)]
    assert len(set(ran_in)) == 1  # one thread ran both: one transaction
    assert all(s.new for s in stored)
    assert set(Message.objects.values_list("id", flat=True)) == {s.id for s in stored}


def test_a_group_in_which_nothing_fails_runs_without_savepoints():
    """A savepoint is two statements a piece: a group is first run without them, and when
    nothing in it fails, that run is the one committed (each piece ran once)."""
    commits = GroupCommit()
    seen: list[tuple[bool, int]] = []  # in a transaction, savepoints open, for each run

    def noted(work: Callable[[], spool.Stored]) -> Callable[[], spool.Stored]:
        def run() -> spool.Stored:
            connection = connections["default"]
            made = [sid for sid in connection.savepoint_ids if sid is not None]
            seen.append((connection.in_atomic_block, len(made)))
            return work()

        return run

    leader, followers = _in_threads(
        commits, _store("first"), [noted(_store("second")), noted(_store("third"))]
    )
    stored = [leader.result(), *(f.result() for f in followers)]
    assert seen == [(True, 0), (True, 0)]
    assert set(Message.objects.values_list("id", flat=True)) == {s.id for s in stored}


def test_a_piece_that_fails_is_its_callers_error_and_the_others_are_committed():
    """One thread's work fails after writing: its caller gets the error and nothing of it is
    kept, while the work committed with it is."""
    commits = GroupCommit()

    def fails() -> spool.Stored:
        _store("written, then undone")()
        raise ValueError("this piece fails")

    leader, (failed, kept) = _in_threads(commits, _store("first"), [fails, _store("kept")])
    assert isinstance(failed.exception(), ValueError)
    expected = {leader.result().id, kept.result().id}  # type: ignore[attr-defined]
    assert set(Message.objects.values_list("id", flat=True)) == expected


def test_a_commit_that_fails_fails_every_piece_in_it(monkeypatch: pytest.MonkeyPatch):
    """When the transaction itself fails (here its COMMIT, as a full disk would), each caller
    of the group gets the error and nothing of the group is kept."""
    commits = GroupCommit()

    def broken_commit(self: object) -> None:
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(type(connections["default"]), "_commit", broken_commit)
    leader, followers = _in_threads(commits, _store("first"), [_store("second"), _store("third")])
    for future in [leader, *followers]:
        assert isinstance(future.exception(), OperationalError)
    monkeypatch.undo()
    assert not Message.objects.exists()
