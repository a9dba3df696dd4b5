"""Database work from the relay's threads committed together: one transaction, one synchronous
COMMIT (one fsync on SQLite), for whatever several threads have ready at once.

Each COMMIT waits for the disk (about 4 ms on a small server's disk) and, on SQLite, holds
the only write lock while it does; the main process commits each message it stores and each
copy's answers from the upstream, so under load its threads queue for that lock (sleeping in
SQLite's busy handler, a few milliseconds more each time they find it taken) and the scanning
workers, which record each message, queue behind them. A thread hands its work to
``GroupCommit.run`` instead: the first to find no commit under way commits the work of every
thread waiting then in one transaction, while the threads that come meanwhile wait for the
next. Should a piece fail, the transaction is rolled back and the group run again with each
piece in a savepoint of its own (so a piece may run twice, the first time undone). Each
caller returns only once its own work is committed (a message stored, so 250; a copy's
answers recorded), with its work's result, or its error: its own if its piece failed (the
others are committed), the transaction's if the COMMIT failed (nothing of the group is).

A piece runs on the thread that commits its group, often not its caller's: on that thread's
database connection (Django keeps one per thread) and inside that thread's transaction. So a
piece is given all it needs as arguments (``functools.partial``) and relies on no state of its
caller's thread: not its connection (each caller's work starts with ``on_usable_connection``,
so the committing thread's own is one checked), nor a transaction its caller opened (none may
be open: the group's would be a savepoint inside it), nor anything else the caller's thread
keeps for itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction


@dataclass
class _Work[T]:
    run: Callable[[], T]
    done: bool = False
    result: T | None = None
    error: BaseException | None = field(default=None, repr=False)

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]  # set when done without an error


class GroupCommit:
    """Runs pieces of database work given by several threads, committing those that wait
    together in one transaction (see the module's docstring). Only for work that needs no
    transaction of its own beyond a savepoint, relies on no state of its caller's thread, may
    run again once rolled back (database work alone), and does not itself call ``run``."""

    def __init__(self) -> None:
        self._turn = threading.Condition()
        self._waiting: list[_Work[object]] = []
        self._committing = False

    def run[T](self, work: Callable[[], T]) -> T:
        """``work()`` in a transaction, committed before this returns; its result, or its
        error (or the COMMIT's)."""
        mine: _Work[T] = _Work(work)
        with self._turn:
            self._waiting.append(mine)  # type: ignore[arg-type]  # each keeps its own T
            while self._committing and not mine.done:
                self._turn.wait()
            if mine.done:  # committed (or failed) in another thread's group
                return mine.outcome()
            self._committing = True
            group, self._waiting = self._waiting, []
        try:
            _commit(group)
        finally:
            with self._turn:
                self._committing = False
                self._turn.notify_all()
        return mine.outcome()


class _PieceFailed(Exception):
    """A piece of a group run without savepoints failed: the group is rolled back."""


def _commit(group: list[_Work[object]]) -> None:
    """Run the pieces of ``group`` one after the other and commit them all; every piece is
    done after, with its result or an error.

    The pieces run without savepoints first: almost always none fails, and a savepoint costs
    two statements a piece (the main process commits every message it stores and every
    copy's answers, a group of two or three pieces under load). If one does fail, the whole
    transaction is rolled back and the group run again, each piece in a savepoint of its own,
    so that the failure takes nothing of the others with it: a piece may run twice, the
    first time undone."""
    try:
        if len(group) > 1:
            try:
                _run(group, apart=False)
                return
            except _PieceFailed:
                for work in group:  # nothing of that run was kept
                    work.result = None
        _run(group, apart=len(group) > 1)
    except BaseException as exc:
        for work in group:  # nothing of the group was committed
            work.error = exc
        raise
    finally:
        for work in group:
            work.done = True


def _run(group: list[_Work[object]], *, apart: bool) -> None:
    """The pieces of ``group`` in one transaction, committed. ``apart``: each in a savepoint,
    a failing piece's error kept for its caller; otherwise a piece that fails fails the
    transaction (``_PieceFailed`` when there are others, its own error when alone)."""
    with transaction.atomic():
        for work in group:
            try:
                with transaction.atomic(savepoint=apart):
                    work.result = work.run()
            except Exception as exc:  # that piece's error, for its caller
                if apart:
                    work.error = exc
                elif len(group) > 1:
                    raise _PieceFailed from exc
                else:
                    raise
