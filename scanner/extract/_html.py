"""HTML to text, the way a reader sees it, plus the text a reader does not see."""

from __future__ import annotations

import io
import re

from bs4 import BeautifulSoup, Comment, Tag

from scanner.extract._context import ExtractionContext
from scanner.extract._decode import decode_text

_NOT_TEXT = ("script", "style")
_BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt"),
        *("fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4"),
        *("h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section"),
        *("table", "title", "tr", "ul"),
    }
)
_CELLS = frozenset({"td", "th"})
_HIDDEN_ATTRIBUTES = ("alt", "title")
_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def read_html(data: bytes, context: ExtractionContext) -> None:
    """An HTML file: its visible text, then its hidden text (see ``add_html``)."""
    add_html(decode_text(data), context, "" if context.location else "html")


def add_html(markup: str, context: ExtractionContext, location: str) -> None:
    """Add the visible text of ``markup`` at ``location``, and what a reader does not see
    (comments, alt and title attributes, mailto: targets) at ``location / hidden text``.

    Scripts and styles are dropped. Nothing is fetched: html.parser never loads anything.
    """
    visible, hidden = html_to_text(markup)
    context.add_text(visible, location)
    context.add_text(hidden, location, "hidden text")


def html_to_text(markup: str) -> tuple[str, str]:
    """The visible text of ``markup`` with block elements on their own lines, and its hidden
    text, one piece per line."""
    soup = _parse(markup)
    for element in soup.find_all(_NOT_TEXT):
        element.decompose()
    hidden = _hidden_text(soup)
    for string in list(soup.find_all(string=True)):
        if isinstance(string, Comment):
            string.extract()
        elif string.find_parent("pre") is None:
            string.replace_with(_SPACES.sub(" ", str(string)))
    for tag in soup.find_all(True):
        if tag.name in _BLOCKS:
            tag.insert_after("\n")
        elif tag.name in _CELLS:
            tag.insert_after("\t")
    lines = (line.strip() for line in soup.get_text().splitlines())
    visible = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    return visible, "\n".join(hidden)


def _hidden_text(soup: BeautifulSoup) -> list[str]:
    pieces: list[str] = []
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        # Outlook's conditional comments hold markup: keep only its text.
        text = _parse(str(comment)).get_text(" ")
        pieces.append(_SPACES.sub(" ", text).strip())
    for tag in soup.find_all(True):
        if not isinstance(tag, Tag):
            continue
        for attribute in _HIDDEN_ATTRIBUTES:
            value = tag.get(attribute)
            if isinstance(value, str):
                pieces.append(value)
        href = tag.get("href")
        if isinstance(href, str) and href.lower().startswith("mailto:"):
            pieces.append(href)
    return [piece for piece in pieces if piece.strip()]


def _parse(markup: str) -> BeautifulSoup:
    # Handed over as a file, so bs4 does not warn that short markup "looks like a URL or a
    # file name" (it only warns; nothing is ever opened or fetched).
    return BeautifulSoup(io.StringIO(markup), "html.parser")
