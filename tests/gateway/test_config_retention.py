"""The retention period is read in whole days and refused, with what to write, otherwise."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from gateway.config import Settings


@pytest.mark.parametrize(("written", "days"), [("90d", 90), ("30d", 30), (" 1 d ", 1)])
def test_a_period_in_days_is_read(written: str, days: int):
    """ "90d" is ninety days."""
    assert Settings(retention={"message_bodies": written}).retention.message_bodies == timedelta(
        days=days
    )


def test_the_default_is_ninety_days():
    """The default the README explains."""
    assert Settings().retention.message_bodies == timedelta(days=90)


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("3 months", 'is not a number of days; write it as e.g. "90d"'),
        (90, 'is not a number of days; write it as e.g. "90d"'),
        ("90", 'is not a number of days; write it as e.g. "90d"'),
        ("0d", "at least one day"),
    ],
)
def test_a_period_that_is_not_whole_days_is_refused(written: object, problem: str):
    """A month is not a fixed length, a bare number has no unit, nothing kept is a typo."""
    with pytest.raises(ValidationError, match=r"retention\.message_bodies") as refused:
        Settings(retention={"message_bodies": written})
    assert problem in str(refused.value)
