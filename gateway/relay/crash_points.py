"""Named places where the relay may die, for the tests that kill it there.

``kill -9`` from outside cannot be aimed at "after the upstream said 250 but before that was
recorded". The kill tests set ``CONFIDE_TEST_CRASH_AT`` to one of these names and the relay
sends itself SIGKILL there: the same death, at a chosen moment. Unset, this does nothing.
"""

from __future__ import annotations

import os
import signal

STORED = "stored"  # the message is committed; the client has not had its 250
DELIVERY_CLAIMED = "delivery-claimed"  # a delivery is claimed; nothing sent yet
UPSTREAM_ACCEPTED = "upstream-accepted"  # the upstream answered 250; not yet recorded


def crash_point(name: str) -> None:
    """Die here, as if killed with SIGKILL, when the tests ask for it."""
    if os.environ.get("CONFIDE_TEST_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
