"""format=flowed text (RFC 3676) as a mail program shows it: soft line breaks undone.

A line that ends in a space is continued by the next line of the same quote depth: a reader
sees "NHS 459 682 9659" where the text carries "NHS 459 \\n682 \\n9659". With ``DelSp=yes``
the space before a soft break goes too, so a word or a number can be split anywhere
("Marg \\naret"). Space-stuffing (a space put before a line that starts with a space, "From "
or ">") is removed; the signature separator "-- " is never a soft break.
"""

from __future__ import annotations

import re

_QUOTES = re.compile(r">*")
_SIGNATURE = "-- "


def unflowed(text: str, delete_space: bool) -> str:
    """``text`` with its soft line breaks joined; ``delete_space`` for ``DelSp=yes``."""
    out: list[str] = []
    joining = False  # whether the last line of ``out`` was soft-broken
    last_depth = -1
    for line in text.replace("\r\n", "\n").split("\n"):
        depth = len(_QUOTES.match(line).group())  # type: ignore[union-attr]  # always matches
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing
        if joining and depth == last_depth:
            out[-1] += content
        else:
            out.append(line[:depth] + (" " if depth else "") + content)
        soft = content.endswith(" ") and content != _SIGNATURE
        if soft and delete_space:
            out[-1] = out[-1][:-1]
        joining, last_depth = soft, depth
    return "\n".join(out)
