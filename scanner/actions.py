"""What happens to an item for one recipient: the one word for a verdict's action, a rule's
action in rules/default.yaml, a recorded outcome and the kind of copy made.

The members are in order from mildest to strictest; when several rules fire, the strictest
action wins (``strictest``). Each value is the word the policy file and the database use.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Action(StrEnum):
    RELEASE = "release"  # the item as it was sent
    BANNER = "banner"  # marked CONFIDENTIAL
    REDACT = "redact"  # with the findings removed
    HOLD = "hold"  # kept for a manager


def strictest(actions: Iterable[Action]) -> Action:
    """The strictest of ``actions``; ``RELEASE`` when there are none."""
    order = list(Action)
    return max(actions, key=order.index, default=Action.RELEASE)
