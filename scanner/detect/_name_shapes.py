"""The shapes of the words that names, and the places taken for names, are made of."""

from __future__ import annotations

import regex

WORD = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}'’-]*")
CAPITALISED = regex.compile(r"^\p{Lu}[\p{L}\p{M}'’-]*$")
WORD_AT_END = regex.compile(r"[\p{L}\p{M}]+$")
