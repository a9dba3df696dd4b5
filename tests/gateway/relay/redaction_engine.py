"""Tasks for a sandboxed worker (``run_in_worker``) that forget and look for presidio's
redaction engine there; in a module of its own, for the worker to import."""

from __future__ import annotations

from scanner.limits import ScanLimits
from scanner.removals import _engine
from scanner.sandbox import ExtractFunction


def forget(extractor: ExtractFunction, limits: ScanLimits) -> None:
    """The worker's engine forgotten, as if it had never made one."""
    _engine.cache_clear()


def made(extractor: ExtractFunction, limits: ScanLimits) -> bool:
    """Whether the worker has made its engine."""
    return _engine.cache_info().currsize == 1
