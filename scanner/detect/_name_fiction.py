"""Made-up people in training material, policies and leaflets: a case study that the text
itself calls fictional ("Case example (fictional): the Jones family move to the area",
"exercises use fictional case studies (the Jones family and Mr A)"). A name in the sentence
that says so, or in the paragraph a line saying so heads, is no one's. A case study that
changes a real person's name ("Gurpreet (not her real name)") still describes someone and
its names stay names."""

from __future__ import annotations

import regex

# The words by which a text says its people are made up.
_FICTION = regex.compile(
    r"(?<![\p{L}\p{M}])(?i:fictional|fictitious|fictionalised|fictionalized|imaginary|"
    r"made-up|composite|composites)(?![\p{L}\p{M}])"
)
# What ends a sentence, and a blank line, which ends a paragraph.
_SENTENCE_END = regex.compile(r"[.!?](?=\s|$)|\n[ \t]*\n")
_PARAGRAPH_END = regex.compile(r"\n[ \t]*\n")


def outside_fiction(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` less those in a sentence that calls its people fictional, or in a
    paragraph whose first line does ("CASE STUDY (fictional)" over the story)."""
    if _FICTION.search(text) is None:  # most texts: nothing to do
        return spans
    return [(start, end) for start, end in spans if not _in_fiction(text, start, end)]


def _in_fiction(text: str, start: int, end: int) -> bool:
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    sentence_start = ends[-1] if ends else 0
    after = _SENTENCE_END.search(text, end)
    sentence_end = after.start() if after else len(text)
    if _FICTION.search(text, sentence_start, sentence_end):
        return True
    paragraphs = [m.end() for m in _PARAGRAPH_END.finditer(text, 0, start)]
    paragraph_start = paragraphs[-1] if paragraphs else 0
    first_line_end = text.find("\n", paragraph_start)
    if first_line_end < 0 or first_line_end >= start:
        return False  # the span is on the paragraph's first line: checked as a sentence
    return _FICTION.search(text, paragraph_start, first_line_end) is not None
