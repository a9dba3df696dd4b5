"""What detection returns: where personal data is, never what it says."""

from __future__ import annotations

from dataclasses import dataclass

# The recognizer of a finding the safety net makes where a value removed from a redacted copy
# is still in it, whole or in part (``scanner.detect._copy_reading``): the copy was not made
# as it was meant to be, and its recipients are held whatever the policy says of the rest.
LEFT_IN_COPY = "left-in-copy"


@dataclass(frozen=True, order=True)
class Finding:
    """One detected span in one segment of an item.

    ``start`` and ``end`` index the segment's source text (for a ``.txt`` file, the decoded
    file). The matched text itself is deliberately not kept: findings go into logs and verdicts.
    """

    segment: int
    start: int
    end: int
    type: str
    score: float
    recognizer: str


@dataclass(frozen=True)
class Owner:
    """Whom the grammar of its sentence says a content finding (a diagnosis, a safeguarding
    word) is about: ``spans`` of the same segment's source text, naming that person."""

    finding: Finding
    spans: tuple[tuple[int, int], ...]
    # The words the grammar passed through from the content to that person ("mother" in
    # "Gareth has a mother with dementia"): attribution trusts the owner only when none of
    # them names or stands for another person.
    via: tuple[tuple[int, int], ...] = ()
