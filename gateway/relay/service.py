"""The relay as one running service: the SMTP door, the scanning workers and the delivery
loop on one asyncio event loop.

Nothing here blocks the loop: storing runs in threads, scanning in worker processes
(``worker.start_worker`` loads the model once in each), sending in threads.

Stopping (SIGTERM or SIGINT, see ``run``): the door closes, the scans and SMTP transactions
under way get ``STOP_GRACE_SECONDS`` to finish, then the transactions still going are cut
(counted as not answered) and the workers stopped (they stop their extraction workers); the
claims this node still holds are given back, so that any node takes them at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import itertools
import logging
import queue
import ssl
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import wait as wait_for_exits
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING

from aiosmtpd.smtp import Envelope, LoginPassword, Session

from gateway.config import Settings, StartupError, host_and_port
from gateway.cpus import usable_cpus
from gateway.database import on_usable_connection
from gateway.health import running_parts
from gateway.health.metrics import SCAN_SECONDS, count_unscannable
from gateway.relay import delivery, leases, pipeline, recording, spool, upstream, worker
from gateway.relay.accounts import check_relay_password
from gateway.relay.crash_points import STORED, crash_point
from gateway.relay.group_commit import GroupCommit
from gateway.relay.receiving import DoorRules, RelayHandler, RelayServer
from gateway.relay.unopened import UnopenedMail
from gateway.sealing import Sealer, SealingError
from scanner.extract import ocr_missing_warning
from scanner.sandbox import EXTRACTION_STOP_SECONDS

if TYPE_CHECKING:
    from gateway.relay.processing import Processed

log = logging.getLogger("confide.relay")

# How often the loops look for work they were not told about (other nodes, retries due).
POLL_SECONDS = 5.0
# Copies sent at the same time (each is one SMTP connection upstream, in a thread).
PARALLEL_DELIVERIES = 8
# Due deliveries claimed from the database at a time.
CLAIM_BATCH = 100
# When stopping: how long the scans and SMTP transactions under way may take to finish; how
# long workers get to exit at each step (told, SIGTERM, SIGKILL), SIGTERM's step longer by
# the time a worker gives its own extraction worker (that one may be loading the model); how
# long a transaction cut short gets to record that. Together inside the 45 s the service
# file lets a stop take.
STOP_GRACE_SECONDS = 10.0
# Then, how much longer a copy whose final dot the upstream has may wait for its answer (cut
# then, it would be sent again after the restart), while the workers stop (as long as they
# may take, so the stop takes no longer).
ANSWER_GRACE_SECONDS = 12.0
WORKER_EXIT_SECONDS = 3.0
WORKER_SIGTERM_SECONDS = WORKER_EXIT_SECONDS + EXTRACTION_STOP_SECONDS
RECORD_SECONDS = 3.0
# A message that reached no worker (the pool broke or was replaced as it was handed over) is
# handed over again after this: at once, in effect, but never in a tight loop.
HAND_OVER_AGAIN_SECONDS = 0.1
# Messages in the scanning workers' pool at once, per worker: one on it, one waiting for it.
SCANS_PER_WORKER = 2


class RelayService:
    """Runs the relay until cancelled."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        relay = settings.relay
        self.sealer = Sealer.from_key_file(pipeline.key_file(settings), create=True)
        # Read here first so that a mistake in it stops the relay (the workers read it too),
        # and so that a pseudonym key it needs is made once, before the workers start.
        pipeline.redaction_operators(settings)
        self.node = pipeline.node_name(settings)
        self.leases = leases.Leases.from_settings(relay)
        self.hostname = pipeline.hostname(settings)
        # The door's threads store messages, and the delivery threads record the upstream's
        # answers, in shared transactions: one COMMIT for what they have ready at once.
        self.commits = GroupCommit()
        self.rules = DoorRules(
            allowed_networks=DoorRules.networks(relay.allowed_networks),
            max_recipients=relay.max_recipients,
            max_connections_per_client=relay.max_connections_per_client,
            session_timeout_seconds=relay.session_timeout_seconds,
            data_timeout_seconds=relay.data_timeout_seconds,
            auth_failures_allowed=relay.auth_failures_allowed,
            auth_failure_window_seconds=relay.auth_failure_window_seconds,
            sender_domains=sender_domains(settings),
            any_sender_networks=DoorRules.networks(relay.any_sender_networks),
        )
        self.deliverer = delivery.Deliverer(
            connections=upstream.Connections(
                relay.upstream,
                self.hostname,
                retry_note=(
                    f"in {relay.retry_initial_seconds:g} s, then at doubling intervals up to "
                    f"{relay.retry_max_seconds:g} s, for {relay.give_up_after_hours:g} hours"
                ),
            ),
            sealer=self.sealer,
            retry=delivery.Retry(
                relay.retry_initial_seconds,
                relay.retry_max_seconds,
                timedelta(hours=relay.give_up_after_hours),
            ),
            node=self.node,
            hostname=self.hostname,
            notice_from=pipeline.notice_from(settings),
            organisation=settings.organisation.name,
            leases=self.leases,
            commits=self.commits,
        )
        self.workers = relay.scan_workers or usable_cpus()
        # Messages to scan, and whether this node already holds the claim for this attempt;
        # suspects first.
        self._to_scan = _ToScan(self._is_suspect)
        self._scanning: set[uuid.UUID] = set()
        # Messages that were in the pool when a worker died (see ``_processed``): each is
        # scanned alone next, until it is scanned or lost with a worker on its own.
        self._suspects: set[uuid.UUID] = set()
        # Messages just received and claimed, handed to a worker as they are rather than read
        # back from the database.
        self._received: dict[uuid.UUID, spool.Received] = {}
        # Copies whose deliveries this node has claimed, to send: handed over by a worker, or
        # claimed from the queue in the database.
        self._to_deliver: asyncio.Queue[delivery.Outbound | delivery.Claim] = asyncio.Queue()
        self._deliveries_due = asyncio.Event()
        self._pool: worker.ScanPool | None = None
        # Messages read back that did not open with the key file, and their next tries.
        self.unopened = UnopenedMail()
        self._waiting_for_key: dict[uuid.UUID, asyncio.TimerHandle] = {}
        # What is under way, for a stop to wait for: scans, and sends with their deliveries.
        self._scans: set[asyncio.Task[None]] = set()
        self._sends: dict[asyncio.Future[None], tuple[int, ...]] = {}
        self._stopping = False
        # Set when another process took this node's name (``name_taken``): its claims are
        # that process's now.
        self._name_taken = False
        self._send_threads: _DaemonThreads  # started by the delivery loop

    async def run(
        self, ready: asyncio.Event | None = None, stop: asyncio.Event | None = None
    ) -> None:
        """Listen, scan and deliver until ``stop`` is set (or this is cancelled), then stop
        cleanly (see the module's docstring); ``ready`` is set once listening."""
        host, port = host_and_port(self.settings.relay.listen)
        loop = asyncio.get_running_loop()
        handler = RelayHandler(
            self.rules,
            on_usable_connection(self._store),
            self._stored,
            on_usable_connection(check_relay_password),
        )
        tls = self._tls_context()
        try:
            server = await loop.create_server(
                lambda: RelayServer(
                    handler,
                    hostname=self.hostname,
                    ident="confide",
                    data_size_limit=self.settings.limits.max_item_bytes,
                    timeout=self.settings.relay.idle_timeout_seconds,
                    tls_context=tls,
                    auth_require_tls=True,
                ),
                host,
                port,
            )
        except OSError as exc:
            raise StartupError(
                f"cannot listen on {host}:{port}: {_listen_problem(exc)}; "
                "change relay.listen in confide.toml (or pass --listen HOST:PORT)"
            ) from None
        upstream_settings = self.settings.relay.upstream
        log.info(
            "relay started (node %s): listening on %s:%d%s, delivering to %s:%d (tls %s), "
            "%d scan workers, data in %s",
            self.node,
            host,
            port,
            " with STARTTLS" if tls is not None else "",
            upstream_settings.host,
            upstream_settings.port,
            upstream_settings.tls,
            self.workers,
            self.settings.data_dir,
        )
        if no_ocr := ocr_missing_warning(self.settings.limits):
            log.warning("%s", no_ocr)
        if no_senders := no_sender_domains_warning(self.settings):
            log.warning("%s", no_senders)
        self._pool = worker.ScanPool.of_processes(self.workers)
        running_parts.report_scan_workers(self._pool.up)
        running_parts.report_key_file(self.unopened.all_open)
        running_parts.report_upstream(upstream_settings)
        loops = [
            asyncio.create_task(self._dispatch()),
            asyncio.create_task(self._deliver()),
            asyncio.create_task(self._pool.keep_up()),
        ]
        stopped = asyncio.create_task((stop or asyncio.Event()).wait())
        try:
            if ready is not None:
                ready.set()
            await asyncio.wait([*loops, stopped], return_when=asyncio.FIRST_COMPLETED)
            for loop_task in loops:
                if loop_task.done():
                    loop_task.result()  # a loop that failed: its error
        finally:
            stopped.cancel()
            server.close()
            await self._stop(loops)

    def name_taken(self) -> None:
        """Another process took this node's name (``gateway.database.only_node_named``):
        the stop that follows cuts short the work under way and gives back no claim, since
        the claims under this name are that process's now."""
        self._name_taken = True

    async def _stop(self, loops: list[asyncio.Task[None]]) -> None:
        """Let the work under way finish (for ``STOP_GRACE_SECONDS`` at most), cut the rest
        short, stop the workers and give back the claims still held (none, and no grace,
        when another process took the node's name)."""
        self._stopping = True
        if self._pool is not None:
            self._pool.stopping = True  # the other doors send nothing more to the workers
        running_parts.report_scan_workers(None)
        running_parts.report_key_file(None)
        running_parts.report_upstream(None)
        for waiting in self._waiting_for_key.values():
            waiting.cancel()
        log.info("relay stopping (node %s)", self.node)
        for loop_task in loops:
            loop_task.cancel()
        await asyncio.gather(*loops, return_exceptions=True)
        under_way: set[asyncio.Future[None]] = {*self._scans, *self._sends}
        if under_way and not self._name_taken:
            await asyncio.wait(under_way, timeout=STOP_GRACE_SECONDS)
        connections = self.deliverer.connections
        answers_due = connections.abort(sparing_answers_due=not self._name_taken)
        answers_by = time.monotonic() + ANSWER_GRACE_SECONDS
        for scan in self._scans:
            scan.cancel()
        await asyncio.to_thread(self._stop_workers)
        if self._sends and answers_due:
            log.info("waiting for the upstream's answer to %d copies it has", answers_due)
            await asyncio.wait(self._sends, timeout=max(0.0, answers_by - time.monotonic()))
            connections.abort()
        if self._sends:
            await asyncio.wait(self._sends, timeout=RECORD_SECONDS)
        if self._name_taken:
            log.error(
                "relay stopped (node %s): its claims are left to the node now named so", self.node
            )
            return
        still_sending = {d for ids in self._sends.values() for d in ids}
        try:
            messages = await _in_thread(spool.give_back, self.node, count_attempt=False)
            deliveries = await _in_thread(delivery.forget_claims, self.node, keeping=still_sending)
        except Exception as exc:  # noqa: BLE001  # our outage: the claims lapse instead
            log.error("could not give back claims (%s); they lapse", type(exc).__name__)
        else:
            log.info(
                "relay stopped (node %s): gave back %d messages and %d deliveries",
                self.node,
                messages,
                deliveries,
            )

    @property
    def scan_pool(self) -> worker.ScanPool:
        """The scanning workers, once ``run`` has started them (``confide run`` lends them to
        the watcher and the review app: ``gateway.relay.lent_workers``)."""
        assert self._pool is not None, "the relay has not started"
        return self._pool

    def _stop_workers(self) -> None:
        """End the pool and wait for its workers to exit: told to (after the message they
        may be on), then SIGTERM, then SIGKILL, a bounded wait after each. Each exits through
        its exit handlers, which stop its extraction workers and wait for their fork server;
        only SIGKILL would leave them (and their semaphores). Whatever exited is reaped by
        the pool's own thread, or at the latest as this process exits."""
        workers = self._pool.shutdown() if self._pool is not None else []
        try:
            self._wait_for_workers(workers)
        finally:
            if self._pool is not None and self._pool.states is not None:
                self._pool.states.remove()

    @staticmethod
    def _wait_for_workers(workers: list[BaseProcess]) -> None:
        steps: tuple[tuple[Callable[[BaseProcess], None], float], ...] = (
            (lambda p: None, WORKER_EXIT_SECONDS),
            (lambda p: p.terminate(), WORKER_SIGTERM_SECONDS),
            (lambda p: p.kill(), WORKER_EXIT_SECONDS),
        )
        for ask, seconds in steps:
            for worker_process in workers:
                ask(worker_process)
            workers = _still_running(workers, time.monotonic() + seconds)
            if not workers:
                return
            log.warning("%d scanning workers still running; stopping them", len(workers))

    def _tls_context(self) -> ssl.SSLContext | None:
        relay = self.settings.relay
        if relay.tls_certificate is None:
            return None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        for path in (relay.tls_certificate, relay.tls_key):
            if path is not None and path.exists() and not path.is_file():
                raise StartupError(  # a pipe would be waited on for ever, deaf to SIGTERM
                    f"the TLS file {path} is not a file (relay.tls_certificate, relay.tls_key)"
                )
        try:
            context.load_cert_chain(relay.tls_certificate, relay.tls_key)
        except OSError as exc:  # ssl.SSLError is one: a file that is not a matching PEM pair
            reason = exc.strerror or getattr(exc, "reason", None) or str(exc)
            raise StartupError(
                f"cannot use the TLS certificate {relay.tls_certificate} and key "
                f"{relay.tls_key or relay.tls_certificate}: {reason} "
                "(relay.tls_certificate, relay.tls_key)"
            ) from None
        return context

    # The door's two callbacks.

    def _store(self, envelope: Envelope, session: Session) -> uuid.UUID:
        credentials = session.auth_data  # the LoginPassword our auth_PLAIN/auth_LOGIN returned
        login = credentials.login if isinstance(credentials, LoginPassword) else None
        mail_from = _null_sender_as_empty(envelope.mail_from)
        recipients = _one_per_mailbox(envelope.rcpt_tos)
        content = envelope.original_content or b""
        client_address = str(session.peer[0]) if session.peer else ""
        received_at = datetime.now(UTC)
        # Hashed and sealed in this thread, outside the transaction the door's and the
        # delivery threads share: it holds SQLite's only write lock.
        message = spool.ready(
            self.sealer,
            mail_from=mail_from,
            recipients=recipients,
            content=content,
            client_address=client_address,
            authenticated_as=login.decode("utf-8", "replace") if isinstance(login, bytes) else "",
            node=self.node,
            lease=self.leases.scan,
            received_at=received_at,
        )
        stored = self.commits.run(functools.partial(spool.write, message))
        crash_point(STORED)
        if stored.new:  # a resend's earlier message is read back, its claim checked
            self._received[stored.id] = spool.Received(
                stored.id,
                mail_from,
                recipients,
                content,
                scan_attempts=1,
                origin=spool.Origin(client_address, received_at),
            )
        return stored.id

    def _stored(self, message_id: uuid.UUID) -> None:
        self._queue_scan(message_id, claimed=True)  # store claimed it for this node

    # Scanning.

    def _queue_scan(self, message_id: uuid.UUID, *, claimed: bool) -> None:
        if message_id not in self._scanning:
            self._scanning.add(message_id)
            self._to_scan.put_nowait((message_id, claimed))

    async def _dispatch(self) -> None:
        # Whatever this node held when it last stopped is free again (a death's unfinished
        # attempts count), and claimed in batches with everyone's.
        try:
            await _in_thread(spool.give_back, self.node, count_attempt=True)
        except Exception as exc:  # noqa: BLE001  # our outage (database): the claims lapse instead
            log.error("could not give back claims at start (%s); they lapse", type(exc).__name__)
        slots = asyncio.Semaphore(self._slots)
        sweep = asyncio.get_running_loop().create_task(self._sweep())
        renewal = asyncio.get_running_loop().create_task(self._renew_claims())
        try:
            while True:
                message_id, claimed = await self._to_scan.get()
                # A suspect takes every slot: it waits for the scans under way, and nothing
                # more is handed out until it is done.
                alone = self._is_suspect(message_id)
                for _ in range(self._slots if alone else 1):
                    await slots.acquire()
                scan = asyncio.create_task(self._scan_one(message_id, claimed, slots, alone=alone))
                self._scans.add(scan)
                scan.add_done_callback(self._scans.discard)
        finally:
            sweep.cancel()
            renewal.cancel()

    async def _renew_claims(self) -> None:
        """Every third of the scan lease, renew this node's claims on the messages it holds
        (waiting for a worker or being scanned): a living node keeps its work however long
        its queue, and only a dead node's claims lapse for another to take over."""
        every = self.leases.scan.total_seconds() / 3
        while True:
            await asyncio.sleep(every)
            held = list(self._scanning)
            if not held:
                continue
            try:
                await _in_thread(spool.renew, self.node, held, datetime.now(UTC), self.leases.scan)
            except Exception as exc:  # noqa: BLE001  # our outage (database): next time
                log.error("could not renew claims (%s)", type(exc).__name__)

    async def _sweep(self) -> None:
        """Claim messages nobody holds (left at a stop, another node died, a lease lapsed),
        a batch at a time while this node has room for them: at once when it starts, then
        every poll while there are more, and every few polls when there were none."""
        while True:
            room = spool.CLAIM_BATCH - self._to_scan.qsize()
            unclaimed: list[uuid.UUID] = []
            if room > 0:
                try:
                    unclaimed = await _in_thread(
                        spool.claim_waiting,
                        self.node,
                        datetime.now(UTC),
                        room,
                        lease=self.leases.scan,
                    )
                except Exception as exc:  # noqa: BLE001  # our outage (database): next sweep
                    log.error("could not look for unclaimed messages (%s)", type(exc).__name__)
            for message_id in unclaimed:
                # Claimed again, with another attempt counted: read back, not handed over.
                self._received.pop(message_id, None)
                self._queue_scan(message_id, claimed=True)
            more = room <= 0 or len(unclaimed) == room
            # When there were none: again before a claim taken now could lapse, so that a
            # dead node's messages wait little longer than their lease.
            idle = min(POLL_SECONDS * 6, max(self.leases.scan.total_seconds() / 2, 1.0))
            await asyncio.sleep(POLL_SECONDS if more else idle)

    @property
    def _slots(self) -> int:
        """Messages in the scanning workers' pool at once (all of them for a suspect)."""
        return self.workers * SCANS_PER_WORKER

    def _is_suspect(self, message_id: uuid.UUID) -> bool:
        return message_id in self._suspects

    def _finished(self, message_id: uuid.UUID) -> None:
        """This node is done with the message (processed, or not its to process)."""
        self._scanning.discard(message_id)
        self._suspects.discard(message_id)

    async def _scan_one(
        self, message_id: uuid.UUID, claimed: bool, slots: asyncio.Semaphore, *, alone: bool = False
    ) -> None:
        """Claim the message again unless ``claimed``, and have a worker process it; ``alone``:
        it is a suspect, and holds every one of ``slots`` (released here)."""
        try:
            if not claimed and not await _in_thread(
                spool.claim_again, message_id, self.node, datetime.now(UTC), self.leases.scan
            ):
                self._finished(message_id)  # done, or another node has it
                return
            assert self._pool is not None
            # A suspect: the other doors' items wait too.
            async with self._pool.alone() if alone else contextlib.nullcontext():
                done = await self._processed(message_id, alone=alone)
            if done is None:
                return
            self._finished(message_id)
            if self.unopened.opened(message_id):
                self._retry_unopened_now()
            count_unscannable("mail", done.unscannable)
            for outbound in done.outbound:
                self._to_deliver.put_nowait(outbound)
        except recording.NotOurs:
            self._finished(message_id)  # done, or another node took it over
            self.unopened.forget(message_id)
        except SealingError:
            self._wait_for_key(message_id)
        except spool.NotRead:
            # The database failed as the worker read the message: nothing of it was done.
            log.error("could not read id=%s (database); retrying", message_id)
            self._hand_over_again(message_id, POLL_SECONDS)
        except worker.WorkerStopped:
            # SIGTERM reached the worker mid-scan, never the message's doing: at a stop the
            # claim is given back; otherwise (someone else's signal) it is tried again on the
            # claim this node holds, with no attempt counted.
            self._hand_over_again(message_id, 1.0)
        except Exception as exc:  # noqa: BLE001  # our outage (database, key): retry later
            log.error("could not process id=%s (%s); retrying", message_id, type(exc).__name__)
            self._retry_scan(message_id, POLL_SECONDS)
        finally:
            for _ in range(self._slots if alone else 1):
                slots.release()

    async def _processed(self, message_id: uuid.UUID, *, alone: bool = False) -> Processed | None:
        """The message, claimed by this node, processed by a worker; ``None`` when it was
        not and is queued again: it reached no worker (the pool broke, or was replaced, as it
        was handed over), or a worker died while it was in the pool. ``alone``: nothing else
        was in the pool with it."""
        assert self._pool is not None
        message = self._received.get(message_id) or message_id
        # Read as the message is handed over, with no wait between: while it was being
        # claimed, another message's worker may have died and the pool been replaced.
        pool = self._pool.executor
        try:
            scanning = asyncio.get_running_loop().run_in_executor(
                pool, worker.process_in_worker, message
            )
        except RuntimeError as exc:  # shut down (replaced), or BrokenProcessPool
            # It reached no worker: nothing of it was the message's doing.
            if isinstance(exc, BrokenProcessPool):
                self._pool.replace(pool)
            self._hand_over_again(message_id, HAND_OVER_AGAIN_SECONDS)
            return None
        self._received.pop(message_id, None)
        try:
            with SCAN_SECONDS.time():
                return await scanning
        except BrokenProcessPool:
            # A worker died (killed, out of memory) or could not start, and the pool failed
            # every message in it: the one the dead worker had, those on the other workers
            # and those waiting for one. Which did it cannot be told, so each is a suspect,
            # handed over again on its claim (no attempt counted) to be scanned alone. Only
            # a death while it is alone is its doing: claiming it again counts an attempt,
            # and after MAX_SCAN_ATTEMPTS it is held unscanned, not retried for ever.
            if not self._stopping:
                self._pool.replace(pool)
                if alone:
                    log.error("a scanning worker died processing id=%s alone; retrying", message_id)
                    self._retry_scan(message_id, 1.0)
                else:
                    log.warning(
                        "a scanning worker died with id=%s in the pool; scanning it alone",
                        message_id,
                    )
                    self._suspects.add(message_id)
                    self._queue_claimed(message_id)
            return None

    def _hand_over_again(self, message_id: uuid.UUID, delay: float) -> None:
        """The message was not processed, and not by its own doing (it reached no worker,
        its worker could not read it, or was stopped): it is handed to a worker again after
        ``delay`` on the claim this node holds, the attempt that claim counted not yet used.
        It stays among those being scanned, so the claim is renewed while it waits. At a
        stop, nothing: the claim is given back uncounted."""
        if self._stopping:
            return
        asyncio.get_running_loop().call_later(delay, self._queue_claimed, message_id)

    def _queue_claimed(self, message_id: uuid.UUID) -> None:
        if not self._stopping:
            self._to_scan.put_nowait((message_id, True))  # still in _scanning, still claimed

    def _wait_for_key(self, message_id: uuid.UUID) -> None:
        """The message did not open with the key file, so nothing of it was done: this
        node keeps its claim (renewed while it waits, so no other node takes it, and no
        attempt is counted) and tries again after a doubling wait."""
        if self._stopping:
            return
        delay = self.unopened.failed(message_id)
        self._waiting_for_key[message_id] = asyncio.get_running_loop().call_later(
            delay, self._try_opening_again, message_id
        )

    def _try_opening_again(self, message_id: uuid.UUID) -> None:
        self._waiting_for_key.pop(message_id, None)
        self._to_scan.put_nowait((message_id, True))  # still in _scanning, still claimed

    def _retry_unopened_now(self) -> None:
        """One message that did not open now does: the others are tried again at once."""
        for message_id, waiting in list(self._waiting_for_key.items()):
            waiting.cancel()
            self._try_opening_again(message_id)

    def _retry_scan(self, message_id: uuid.UUID, delay: float) -> None:
        """Claim the message again (another attempt counted) after ``delay``; a suspect
        stays one."""
        self._scanning.discard(message_id)
        if self._stopping:
            return
        asyncio.get_running_loop().call_later(
            delay, functools.partial(self._queue_scan, message_id, claimed=False)
        )

    # Delivering: copies come from the scanning workers, their deliveries already claimed;
    # the rest (retries, releases by a manager, bounces, another node's leftovers) are
    # claimed from the queue in the database when due.

    async def _deliver(self) -> None:
        try:
            await _in_thread(delivery.forget_claims, self.node)
        except Exception as exc:  # noqa: BLE001  # our outage (database): the claims lapse instead
            log.error("could not forget claims at start (%s); they lapse", type(exc).__name__)
        self._send_threads = _DaemonThreads(PARALLEL_DELIVERIES, "confide-send")
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(self._claim_due())
            for _ in range(PARALLEL_DELIVERIES):
                tasks.create_task(self._send_copies())

    async def _claim_due(self) -> None:
        while True:
            self._deliveries_due.clear()
            if self._to_deliver.qsize() >= CLAIM_BATCH:
                # Claim no more than can be sent while the claims last: let the senders
                # catch up (looking for due ones now would find them at once, and spin).
                await self._wait_for_news(POLL_SECONDS)
                continue
            claimed: list[delivery.Claim] = []
            try:
                claimed = await _in_thread(
                    delivery.claim_due,
                    self.node,
                    datetime.now(UTC),
                    CLAIM_BATCH,
                    self.leases.delivery,
                )
            except Exception as exc:  # noqa: BLE001  # our outage (database): next poll
                log.error("could not claim due deliveries (%s)", type(exc).__name__)
            for claim in claimed:
                self._to_deliver.put_nowait(claim)
            if sum(len(claim.delivery_ids) for claim in claimed) < CLAIM_BATCH:
                await self._wait_for_deliveries()

    async def _wait_for_deliveries(self) -> None:
        """Until the earliest unclaimed delivery is due, a poll at most, or news comes."""
        try:
            due = await _in_thread(delivery.next_due, datetime.now(UTC))
        except Exception:  # noqa: BLE001  # our outage (database): look again after a poll
            due = None
        wait = POLL_SECONDS
        if due is not None:
            wait = min(wait, max((due - datetime.now(UTC)).total_seconds(), 0.0))
        await self._wait_for_news(wait)

    async def _wait_for_news(self, seconds: float) -> None:
        """Until a retry or bounce is queued here, or ``seconds`` pass."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._deliveries_due.wait(), timeout=seconds)

    async def _send_copies(self) -> None:
        while True:
            copy = await self._to_deliver.get()
            ids = (
                tuple(d.id for d in copy.deliveries)
                if isinstance(copy, delivery.Outbound)
                else copy.delivery_ids
            )
            sending = asyncio.ensure_future(self._send(copy))
            self._sends[sending] = ids
            sending.add_done_callback(self._sends.pop)
            # Shielded: a stop cancels this loop, not a transaction under way (it waits).
            await asyncio.shield(sending)

    async def _send(self, copy: delivery.Outbound | delivery.Claim) -> None:
        try:
            if isinstance(copy, delivery.Outbound):
                more = await self._send_threads.run(delivery.deliver, self.deliverer, copy)
            else:
                more = await self._send_threads.run(delivery.deliver_claimed, self.deliverer, copy)
                self.unopened.opened(("copy", copy.copy_id))
            if more:
                self._deliveries_due.set()  # a retry or a bounce was queued
        except SealingError:  # a copy read back does not open: not sent, tried again later
            assert isinstance(copy, delivery.Claim)  # a copy handed over is not sealed
            wait = timedelta(seconds=self.unopened.failed(("copy", copy.copy_id)))
            try:
                await _in_thread(
                    delivery.postpone, self.node, copy.delivery_ids, datetime.now(UTC) + wait
                )
            except Exception as exc:  # noqa: BLE001  # our outage (database): the claim lapses
                log.error("could not postpone copy=%s (%s)", copy.copy_id, type(exc).__name__)
        except Exception as exc:  # noqa: BLE001  # our outage: the claim lapses, retried
            copy_id = copy.copy.id if isinstance(copy, delivery.Outbound) else copy.copy_id
            log.error("delivery of copy=%s failed (%s)", copy_id, type(exc).__name__)


class _ToScan:
    """The messages waiting for a scanning worker, each with whether this node already holds
    the claim for its attempt: suspects (``first``) before the others, so that they do not
    wait behind new mail, and each kind in the order queued."""

    def __init__(self, first: Callable[[uuid.UUID], bool]) -> None:
        self._first = first
        self._queue: asyncio.PriorityQueue[tuple[bool, int, uuid.UUID, bool]] = (
            asyncio.PriorityQueue()
        )
        self._order = itertools.count()

    def put_nowait(self, item: tuple[uuid.UUID, bool]) -> None:
        message_id, claimed = item
        later = not self._first(message_id)
        self._queue.put_nowait((later, next(self._order), message_id, claimed))

    async def get(self) -> tuple[uuid.UUID, bool]:
        _, _, message_id, claimed = await self._queue.get()
        return message_id, claimed

    def qsize(self) -> int:
        return self._queue.qsize()


def _still_running(workers: list[BaseProcess], deadline: float) -> list[BaseProcess]:
    """Those of ``workers`` that have not exited by ``deadline``. Told by each one's
    sentinel, not by ``join``: the pool's thread joins them too, and a join that loses that
    race says a worker that has exited is still running."""
    running = {worker_process.sentinel: worker_process for worker_process in workers}
    while running and (left := deadline - time.monotonic()) > 0:
        for ended in wait_for_exits(list(running), left):
            running.pop(ended)  # type: ignore[arg-type]  # a sentinel is an int
    return list(running.values())


async def _in_thread[**P, T](work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Database work in a thread, on a connection that still answers."""
    return await asyncio.to_thread(on_usable_connection(work), *args, **kwargs)


class _DaemonThreads:
    """Long-lived daemon threads (each keeps its own database connection) that run blocking
    work for the event loop. Unlike an executor's, the interpreter does not wait for them at
    exit: an SMTP transaction that a stop could not cut (a connection still being opened)
    does not hold up the exit."""

    def __init__(self, count: int, name: str) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        for number in range(count):
            threading.Thread(target=self._serve, name=f"{name}-{number}", daemon=True).start()

    def _serve(self) -> None:
        while True:
            self._jobs.get()()

    async def run[**P, T](self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``work`` in one of the threads, on a database connection that still answers."""
        loop = asyncio.get_running_loop()
        outcome: asyncio.Future[T] = loop.create_future()

        def settle(result: T | None, error: BaseException | None) -> None:
            if outcome.done():
                return
            if error is not None:
                outcome.set_exception(error)
            else:
                outcome.set_result(result)  # type: ignore[arg-type]  # T when there is no error

        def job() -> None:
            try:
                result = on_usable_connection(work)(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001  # handed to the awaiting task
                report: tuple[T | None, BaseException | None] = (None, exc)
            else:
                report = (result, None)
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits
                loop.call_soon_threadsafe(settle, *report)

        self._jobs.put(job)
        return await outcome


def _listen_problem(error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return "the port is in use (another relay or mail server?)"
    if error.errno == errno.EACCES:
        return "not allowed (ports below 1024 need privileges)"
    if error.errno == errno.EADDRNOTAVAIL:
        return "this machine has no such address"
    return error.strerror or type(error).__name__


def _one_per_mailbox(addresses: list[str]) -> list[str]:
    """The RCPT TO addresses, each mailbox once, as first given: "Worker@Leeds-ASC.example"
    after "worker@leeds-asc.example" is the same mailbox, and gets one outcome and one copy.
    Domains are case-insensitive (RFC 5321 2.4); so are local parts here, as nearly every mail
    system treats them (Exchange, Gmail, Postfix's local delivery): two mailboxes told apart
    only by case are not worth a second copy of the same message to the same person. Every
    RCPT the door accepted ends in the one final state its mailbox does."""
    mailboxes: dict[str, str] = {}
    for address in addresses:
        mailboxes.setdefault(address.lower(), address)
    return list(mailboxes.values())


def _null_sender_as_empty(mail_from: str | None) -> str:
    """aiosmtpd gives the null sender (bounces, notices) as "<>"; confide stores it as ""."""
    return "" if mail_from in (None, "", "<>") else mail_from


def sender_domains(settings: Settings) -> tuple[str, ...]:
    """The domains clients relaying by network may send as: the internal ones, then the
    extra ones, lower-cased, each once."""
    listed = [*settings.organisation.internal_domains, *settings.relay.extra_sender_domains]
    return tuple(dict.fromkeys(d.strip().lower() for d in listed))


def no_sender_domains_warning(settings: Settings) -> str | None:
    """The warning for clients relaying by network that have no domain to send as, and so
    can send only bounces; ``None`` when there is a domain, or no such client."""
    if sender_domains(settings):
        return None
    any_sender = DoorRules.networks(settings.relay.any_sender_networks)
    for network in DoorRules.networks(settings.relay.allowed_networks):
        if not any(
            network.version == each.version and network.subnet_of(each)  # type: ignore[arg-type]
            for each in any_sender
        ):
            return (
                "relay.allowed_networks lets clients relay without a login, but they may send "
                "only as the organisation's domains, and there are none, so they can send only "
                "bounces: list the domains in organisation.internal_domains (or "
                "relay.extra_sender_domains)"
            )
    return None
