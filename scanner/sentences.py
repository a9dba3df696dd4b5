"""The sentence around a span of text, found the same way wherever it is asked for.

Detection (which parses the sentence around a diagnosis) and attribution (which asks who else
that sentence names) must agree on where it starts and ends, so both use this. A sentence
ends at ".", "!" or "?" followed by a space, or at a blank line; a line break alone does not
end one, since mail is wrapped mid-sentence. "Mrs. Begum" and "e.g. her GP" do not end one.
"""

from __future__ import annotations

import regex

# Where one sentence ends and the next begins: after end punctuation (not after a title or a
# common abbreviation) and white space, or at a blank line.
_BOUNDARY = regex.compile(
    r"(?<!\b(?:Mr|Mrs|Ms|Mx|Dr|Prof|Rev|Revd|Cllr|St|No|e\.g|i\.e|etc|approx))[.!?]+[\"')\]]*\s+"
    r"|\n[ \t]*\n\s*",
    regex.IGNORECASE,
)
# How far either side of a span a sentence is looked for: a "sentence" with no end in sight
# (a list, a table row) is cut here, which also bounds what detection parses.
SENTENCE_REACH = 300


def sentence_around(
    text: str, start: int, end: int, reach: int = SENTENCE_REACH
) -> tuple[int, int]:
    """Start and end in ``text`` of the sentence holding ``text[start:end]``, at most
    ``reach`` characters either side of it."""
    low, high = max(0, start - reach), min(len(text), end + reach)
    begin = low
    for boundary in _BOUNDARY.finditer(text, low, start):
        begin = boundary.end()
    after = _BOUNDARY.search(text, end, high)
    finish = after.start() + len(after.group().rstrip()) if after else high
    return begin, finish
