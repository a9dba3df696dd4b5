"""Extraction in worker processes that may be killed: a hostile file costs a worker, not the
gateway.

Parsers of untrusted files can loop, balloon or crash. ``ExtractionPool`` runs ``extract`` in
pebble worker processes, each with its address space capped (``worker_memory_bytes``, set as
RLIMIT_AS when the worker starts) and each item given ``item_timeout_seconds``. A worker that
times out is killed; one that runs out of memory or dies is replaced by pebble. Either way the
item becomes an ``Extraction`` with an unscannable reason, so the policy holds it.

Workers are started by a fork server (a small process started once) rather than forked from
the gateway, so they do not inherit its memory (a loaded NER model, Django).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import signal
from collections.abc import Callable
from concurrent.futures import CancelledError, Future
from types import TracebackType
from typing import Self

from pebble import ProcessExpired, ProcessPool

from scanner.extract import UNKNOWN_KIND, UnsupportedType, extract, read_item, too_large
from scanner.filetype import FileType
from scanner.limits import ScanLimits
from scanner.segments import Extraction

# What runs in a worker: ``extract`` itself, or a stand-in passed by tests (the test seam). It
# must be a module-level function so it can be sent to a worker by name.
type ExtractFunction = Callable[[bytes, ScanLimits, str, FileType | None], Extraction]

_START_METHOD = "forkserver"


class ExtractionPool:
    """Runs ``extract`` in sandboxed worker processes; use it as a context manager.

    ``max_workers`` defaults to the number of CPUs. ``extractor`` replaces ``extract`` in the
    workers; it exists for tests (a slow or crashing stand-in) and should not be passed
    otherwise. For an item, its methods raise only ``UnsupportedType`` (and ``OSError`` from
    ``extract_file`` when the path cannot be read). When no worker can be started at all (our
    outage, not the item's fault) pebble's ``RuntimeError`` comes through. As with any
    fork-server or spawn pool, a script that uses it needs the ``if __name__ == "__main__"``
    guard; console scripts have it.
    """

    def __init__(
        self,
        limits: ScanLimits,
        *,
        max_workers: int | None = None,
        extractor: ExtractFunction = extract,
    ) -> None:
        self.limits = limits
        self._max_workers = max_workers or os.cpu_count() or 1
        self._extractor = extractor
        self._pool: ProcessPool | None = None

    def __enter__(self) -> Self:
        self._running()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers after the items already submitted are done."""
        if self._pool is not None:
            self._pool.close()  # type: ignore[no-untyped-call]  # pebble leaves it unannotated
            self._pool.join()
            self._pool = None

    def submit(
        self, data: bytes, location: str = "", kind: FileType | None = None
    ) -> Future[Extraction]:
        """Start extracting one item (``kind`` as for ``extract``); the future's result is its
        ``Extraction``.

        The future fails only with ``UnsupportedType``; timeouts, crashes and every other
        failure are results with an unscannable reason.
        """
        outcome: Future[Extraction] = Future()
        if len(data) > self.limits.max_item_bytes:
            outcome.set_result(too_large(len(data), self.limits))
            return outcome
        task = self._running().schedule(
            self._extractor,
            args=(data, self.limits, location, kind),
            timeout=self.limits.item_timeout_seconds,
        )
        task.add_done_callback(lambda done: _settle(done, outcome, self.limits))
        return outcome

    def extract(self, data: bytes, location: str = "", kind: FileType | None = None) -> Extraction:
        """Extract one item in a worker (see ``submit``) and wait for the result."""
        return self.submit(data, location, kind).result()

    def extract_file(self, path: str | os.PathLike[str], location: str = "") -> Extraction:
        """Extract the file at ``path`` in a worker; its size is checked before it is read."""
        data = read_item(path, self.limits)
        return data if isinstance(data, Extraction) else self.extract(data, location)

    def _running(self) -> ProcessPool:
        if self._pool is None:
            self._pool = ProcessPool(
                max_workers=self._max_workers,
                initializer=_start_worker,
                initargs=(self.limits.worker_memory_bytes,),
                context=multiprocessing.get_context(_START_METHOD),
            )
        return self._pool


def _start_worker(limit_bytes: int) -> None:
    """Worker initializer: cap the worker's address space, and keep pypdf's warnings about
    damaged files (which may quote bits of them) out of the logs."""
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
    pypdf_logger = logging.getLogger("pypdf")
    pypdf_logger.addHandler(logging.NullHandler())
    pypdf_logger.propagate = False


def _settle(task: Future[Extraction], outcome: Future[Extraction], limits: ScanLimits) -> None:
    """Turn a finished worker task into the item's result."""
    try:
        outcome.set_result(task.result())
    except UnsupportedType as error:
        outcome.set_exception(error)
    except TimeoutError:
        outcome.set_result(_failed(f"extraction timed out after {limits.item_timeout_seconds:g} s"))
    except MemoryError:
        outcome.set_result(_failed("the extraction worker ran out of memory"))
    except ProcessExpired as error:
        reason = f"the extraction worker ran out of memory or died ({_how(error.exitcode)})"
        outcome.set_result(_failed(reason))
    except CancelledError:
        outcome.set_result(_failed("extraction was cancelled (the pool was shut down)"))
    except Exception as error:  # noqa: BLE001 - any other failure is a reason, not a crash
        outcome.set_result(_failed(f"extraction failed ({type(error).__name__})"))


def _how(exit_code: int | None) -> str:
    if exit_code is not None and exit_code < 0:
        try:
            return f"killed by {signal.Signals(-exit_code).name}"
        except ValueError:
            return f"killed by signal {-exit_code}"
    return f"exit code {exit_code}"


def _failed(reason: str) -> Extraction:
    return Extraction(kind=UNKNOWN_KIND, unscannable=(reason,))
