"""How many AUTH attempts each client address may have checked in a window of time.

An attempt is counted when it is let through to the password check, before the check runs,
so parallel guesses cannot all slip past a count that has not yet seen their failures. A
successful login forgets its client's count.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable


class LoginAttempts:
    """At most ``allowed`` password checks per client address in any ``window_seconds``,
    unless one of them succeeds."""

    def __init__(
        self,
        allowed: int,
        window_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.allowed = allowed
        self.window_seconds = window_seconds
        self._clock = clock
        # Attempt times per client address; clients with none in the window are forgotten
        # at most once a window, so many addresses trying their luck cannot fill memory.
        self._attempts: defaultdict[str, deque[float]] = defaultdict(deque)
        self._swept = clock()

    def may_check(self, client: str) -> bool:
        """Count an attempt by ``client`` and say whether its password may be checked; an
        attempt refused here is not counted."""
        now = self._clock()
        since = now - self.window_seconds
        if self._swept < since:
            self._forget_attempts_before(since)
            self._swept = now
        attempts = self._attempts[client]
        while attempts and attempts[0] < since:
            attempts.popleft()
        if len(attempts) >= self.allowed:
            return False
        attempts.append(now)
        return True

    def succeeded(self, client: str) -> None:
        """``client`` logged in: forget its attempts."""
        self._attempts.pop(client, None)

    def clients_remembered(self) -> int:
        """How many client addresses have attempts on record."""
        return len(self._attempts)

    def _forget_attempts_before(self, since: float) -> None:
        for client in [c for c, times in self._attempts.items() if not times or times[-1] < since]:
            del self._attempts[client]
