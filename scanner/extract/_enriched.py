"""text/enriched (RFC 1896) and text/richtext (RFC 1341) as a mail program shows them.

Markup may stand inside a word or a number ("<bold>Jos</bold>eph", "943<bold>476</bold>5919"),
so the text is read with its markup removed: each formatting command goes, "<<" (richtext:
"<lt>") is a "<", and line breaks are as the format means them (enriched: a lone line break
is a space, and n in a row are n - 1; richtext: "<nl>" is one). What a ``<param>`` holds
(a font's name, a colour) is not shown: it is read on its own lines after the text.
"""

from __future__ import annotations

import re

ENRICHED_TYPES = frozenset({"text/enriched", "text/richtext"})
_PARAM = re.compile(r"<param>(.*?)</param>", re.IGNORECASE | re.DOTALL)
# A command: a name of at most 60 characters, as RFC 1896 allows (a longer "<...>" is text).
_COMMAND = re.compile(r"<(/?[A-Za-z0-9-]{1,60})>")
_NEWLINES = re.compile(r"\n+")


def shown_text(text: str, content_type: str) -> str:
    """The text of a text/enriched or text/richtext body with its markup removed."""
    text = text.replace("\r\n", "\n")
    params = [found.group(1) for found in _PARAM.finditer(text)]
    text = _PARAM.sub("", text)
    if content_type == "text/richtext":
        text = _COMMAND.sub(_richtext_command, text)
    else:
        pieces = text.split("<<")
        pieces = [_NEWLINES.sub(_enriched_newlines, _COMMAND.sub("", p)) for p in pieces]
        text = "<".join(pieces)
    return "\n".join([text, *params])


def _richtext_command(command: re.Match[str]) -> str:
    name = command.group(1).lower()
    return {"lt": "<", "nl": "\n"}.get(name, "")


def _enriched_newlines(newlines: re.Match[str]) -> str:
    count = len(newlines.group())
    return " " if count == 1 else "\n" * (count - 1)
