"""Stored mail that does not open with the key file (the file replaced by another valid key,
say): what the relay read back is left as it is, claimed, and tried again at doubling
intervals; the relay logs once as stored mail stops opening and once as it opens again, and
``/readyz`` shows it meanwhile.

Nothing is lost or held for it: a message or copy that does not open was not processed or
sent, and waits until the key that sealed it is back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Hashable

log = logging.getLogger("confide.relay")

# A message that did not open is tried again after this long, then at doubling intervals up
# to the most: a restored key file is noticed within the most, without an error a poll.
FIRST_RETRY_SECONDS = 5.0
MOST_RETRY_SECONDS = 300.0


class UnopenedMail:
    """What did not open with the key file, by id, with the number of times in a row."""

    def __init__(
        self, first: float = FIRST_RETRY_SECONDS, most: float = MOST_RETRY_SECONDS
    ) -> None:
        self.first = first
        self.most = most
        self._failures: dict[Hashable, int] = {}
        self._lock = threading.Lock()  # /readyz asks from the web server's threads

    def failed(self, item: Hashable) -> float:
        """``item`` (a message's or copy's id) did not open: the seconds to wait before it
        is tried again. The first failure while everything opened is logged."""
        with self._lock:
            first = not self._failures
            times = self._failures.get(item, 0)
            self._failures[item] = times + 1
        if first:
            log.error(
                "stored mail does not open with the key file (was it replaced?): it stays "
                "as it is and is tried again at doubling intervals up to %g s; put back the "
                "key file that sealed it",
                self.most,
            )
        return min(self.first * 2.0 ** min(times, 32), self.most)

    def opened(self, item: Hashable) -> bool:
        """``item`` opened: no longer waiting (the last to wait being so is logged); whether
        it had been waiting, so that the key file opens again what did not open."""
        with self._lock:
            if self._failures.pop(item, None) is None:
                return False
            last = not self._failures
        if last:
            log.warning("stored mail opens with the key file again")
        return True

    def all_open(self) -> bool:
        """Whether nothing read back is waiting for its key."""
        with self._lock:
            return not self._failures

    def forget(self, item: Hashable) -> None:
        """``item`` is no longer this relay's to try (done elsewhere, or given back)."""
        with self._lock:
            if self._failures.pop(item, None) is None or self._failures:
                return
        log.warning("no stored mail waits for its key any more")
