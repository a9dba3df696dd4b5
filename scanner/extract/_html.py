"""HTML to text, the way a reader sees it, plus the text a reader does not see."""

from __future__ import annotations

import io
import re
from urllib.parse import unquote

from bs4 import BeautifulSoup, Comment, Tag

from scanner.charsets import decode_text
from scanner.extract._context import ExtractionContext

_NOT_TEXT = ("script", "style")
_BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt"),
        *("fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4"),
        *("h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section"),
        *("table", "title", "tr", "ul", "textarea", "option", "select", "button"),
    }
)
_CELLS = frozenset({"td", "th"})
# Form fields' values and placeholders are shown in a form, not as text, so read them here.
_HIDDEN_ATTRIBUTES = ("alt", "title", "value", "placeholder")
# Attributes that hold a URL: its target is read as text, percent-decoded, at "links"
# ("tel:+447700900461", "?nhs=4010232137&tel=07700900461"). Inline data and pointers to the
# message's own parts hold nothing a person wrote.
_URL_ATTRIBUTES = (
    "href", "src", "action", "formaction", "background", "cite", "poster", "data", "longdesc",
)  # fmt: skip
_NOT_WRITTEN = ("data:", "cid:", "#")
_URL_PUNCTUATION = re.compile(r"[?&=#;]")
_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def read_html(data: bytes, context: ExtractionContext) -> None:
    """An HTML file: its visible text, then its hidden text (see ``add_html``)."""
    add_html(decode_text(data), context, "" if context.location else "html")


def add_html(markup: str, context: ExtractionContext, location: str) -> None:
    """Add the visible text of ``markup`` at ``location``, what a reader does not see
    (comments, alt and title attributes, form fields' values, mailto: targets) at
    ``location / hidden text``, and the targets of links, images and forms, percent-decoded,
    at ``location / links``.

    Scripts and styles are dropped. Nothing is fetched: html.parser never loads anything.
    """
    visible, hidden = html_to_text(markup)
    context.add_text(visible, location)
    context.add_text(hidden, location, "hidden text")
    context.add_text("\n".join(_link_targets(_parse(markup))), location, "links")


def _link_targets(soup: BeautifulSoup) -> list[str]:
    """Each URL in the markup, percent-decoded, with its query's punctuation as spaces so that
    each value stands on its own; mailto: targets already read as they are are left out."""
    targets: list[str] = []
    for tag in soup.find_all(True):
        if not isinstance(tag, Tag):
            continue
        for attribute in _URL_ATTRIBUTES:
            url = tag.get(attribute)
            if not isinstance(url, str) or url.strip().lower().startswith(_NOT_WRITTEN):
                continue
            decoded = readable_url(url)
            mailto = attribute == "href" and url.lower().startswith("mailto:")
            if decoded.strip() and not (mailto and decoded == url):
                targets.append(decoded)
    return targets


def readable_url(url: str) -> str:
    """``url`` percent-decoded, with its query's punctuation as spaces so that each value
    stands on its own ("mailto:a@b.example?subject=NHS%204010232137" reads "mailto:a@b.example
    subject NHS 4010232137")."""
    return _URL_PUNCTUATION.sub(" ", unquote(url.strip()))


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
