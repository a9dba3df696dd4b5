"""The reasons a recipient was held, as staff read them: without the register refs they name
(the register is the managers'). Used by the item's page and by the hold notice an internal
sender gets."""

from __future__ import annotations

import re
from collections.abc import Collection

# How the policy's reasons name subjects (scanner/policy/verdicts.py): "(ref C-1001)" after
# whom the data is about, and "not to ref C-1002 or ref C-1003 named in the same sentence".
_ABOUT_REF = re.compile(r" \(ref .+?\)(?=;|$)")
_OTHER_REFS = re.compile(r"not to ref .+? named in the same sentence")


def reasons_for_staff(reasons: list[str], refs: Collection[str]) -> list[str]:
    """``reasons`` as staff read them: without the register refs they name, which would tell
    staff who is in the register, their case-management refs and whose each finding is
    (the register is the managers'). Any of ``refs`` (the message's subjects) still left,
    should the reasons' wording change, goes too."""
    longest_first = sorted(refs, key=len, reverse=True)
    shown = []
    for reason in reasons:
        text = _ABOUT_REF.sub("", reason)
        text = _OTHER_REFS.sub("not to anyone else named in the same sentence", text)
        for ref in longest_first:
            text = re.sub(rf"(?<![\w-]){re.escape(ref)}(?![\w-])", "someone", text)
        shown.append(text)
    return shown
