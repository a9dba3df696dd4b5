"""A watched folder's hold reasons name its audience as the manager set it, not the address
the audience plays as a recipient (``public@outside.invalid``, ``watched-folder@...``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.watcher.folders import PUBLIC_ADDRESS, Folder
from gateway.watcher.judging import for_audience


def _folder(audience: str) -> Folder:
    return Folder(
        path=Path("/srv/share"),
        audience=audience,
        recipient=PUBLIC_ADDRESS,
        enforce=True,
        observer="native",
        poll_seconds=5.0,
        stable_seconds=5.0,
        marked_copies=True,
        exclude=(),
    )


@pytest.mark.parametrize(
    ("audience", "policy_said", "said"),
    [
        (
            "public",
            "NHS number of a known carer (ref C-1001); no consent recorded for this address"
            " or for outside.invalid",
            "NHS number of a known carer (ref C-1001); no consent recorded for this folder's"
            " audience (public)",
        ),
        (
            "Leeds Adult Social Care",
            "NHS number of a known carer (ref C-1001); no consent recorded for this address"
            " or for Leeds Adult Social Care, which it belongs to; the NHS number is tied to"
            " them, named nearest to it, not to ref C-1002 named in the same sentence",
            "NHS number of a known carer (ref C-1001); no consent recorded for this folder's"
            " audience (Leeds Adult Social Care); the NHS number is tied to them, named"
            " nearest to it, not to ref C-1002 named in the same sentence",
        ),
        (
            "Riverside GP Practice",
            "Health details of a known carer (ref C-1001); consent recorded for Riverside GP"
            " Practice (matched by this address)",
            "Health details of a known carer (ref C-1001); consent recorded for Riverside GP"
            " Practice (matched by this folder's audience (Riverside GP Practice))",
        ),
        ("public", "nothing personal or confidential was found", None),
    ],
)
def test_a_reason_names_the_folders_audience(audience, policy_said, said):
    """ "this address or for outside.invalid" becomes the audience the manager set; a reason
    that names no address is left as it is."""
    assert for_audience([policy_said], _folder(audience)) == (said or policy_said,)
