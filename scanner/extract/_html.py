"""HTML to text, the way a reader sees it, plus the text a reader does not see."""

from __future__ import annotations

import base64
import binascii
import io
import re
from collections.abc import Iterator
from urllib.parse import unquote, unquote_plus, unquote_to_bytes

from bs4 import BeautifulSoup, Comment, Tag
from bs4.element import NavigableString

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
# Every attribute's value is read as text (an aria-label, a data-* attribute, a form field's
# value, a tooltip) but these, which hold layout, names of the markup's own parts and
# settings, never text a person wrote; and the style, read as CSS (``style and script``).
# Outlook, Word and webmail fill messages with them.
_NOTHING_WRITTEN = frozenset(
    {
        *("class", "id", "width", "height", "align", "valign", "colspan", "rowspan", "dir"),
        *("lang", "xml:lang", "target", "rel", "rev", "type", "bgcolor", "border"),
        *("cellpadding", "cellspacing", "color", "face", "size", "nowrap", "hspace", "vspace"),
        *("clear", "frame", "rules", "scope", "span", "start", "tabindex", "role", "charset"),
        *("http-equiv", "method", "enctype", "accept-charset", "autocomplete", "crossorigin"),
        *("referrerpolicy", "loading", "decoding", "integrity", "nonce", "media", "sizes"),
        *("shape", "coords", "link", "vlink", "alink", "text", "leftmargin", "topmargin"),
        *("marginwidth", "marginheight", "frameborder", "scrolling", "headers", "for"),
        *("xmlns", "o:spid", "o:spt", "coordsize", "coordorigin"),
    }
)
_NAMESPACE_DECLARATION = "xmlns:"
# The text of an element within a line (a link, an image, a span; no block inside it), when
# no longer than this, is read beside each of its attributes' values, so that a link's
# target and its words are read together ("tel:07700900999 Harriet Blenkinsop"), as a reader
# takes them. A longer text, or a block's (a paragraph, a cell, a wrapper around the whole
# message), is read only where it is shown: beside a value, out of its place, its own names
# and numbers would be read apart from what is around them (the signature it ends).
_ELEMENT_TEXT_CHARS = 100
_ELEMENT_NODES = 20
# A value that holds a URL (a scheme, "://"), or percent-encoded text: read decoded as well,
# at "links".
_URL_LIKE = re.compile(r"%[0-9A-Fa-f]{2}|://|^\s*[A-Za-z][A-Za-z0-9+.-]+:[^\s]")
# Attributes that hold a URL: its target is read as text, percent-decoded, at "links"
# ("tel:+447700900461", "?nhs=4010232137&tel=07700900461"). Inline data and pointers to the
# message's own parts hold nothing a person wrote.
_URL_ATTRIBUTES = (
    "href", "src", "action", "formaction", "background", "cite", "poster", "data", "longdesc",
)  # fmt: skip
_NOT_WRITTEN = ("data:", "cid:", "#")
# A data: URL's content type and whether it is base64 (RFC 2397), and one written in CSS.
_DATA_URL = re.compile(r"data:([^,;]*)((?:;[^,;]*)*?)(;base64)?,(.*)", re.IGNORECASE | re.DOTALL)
_CSS_DATA_URL = re.compile(r"url\(\s*['\"]?(data:[^'\")]*)", re.IGNORECASE)
# Any URL written in CSS (``background:url(https://...)``); its target is read decoded.
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]*)", re.IGNORECASE)
# CSS escapes (a backslash and hex digits, or a backslash and one character): a
# stylesheet's strings read as they show.
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\r\n\f]?|(.))", re.DOTALL)
# What a script calls to put text on the page, or to make the text it puts there.
_WRITES_TO_PAGE = re.compile(
    r"document\s*\.\s*write|innerHTML|outerHTML|innerText|textContent|insertAdjacent"
    r"|createTextNode|\.\s*(?:append|prepend|after|before|replaceWith)\s*\(|fromCharCode"
    r"|\beval\s*\(|\bFunction\s*\(|\bunescape\s*\(|\batob\s*\(",
)
# The attributes a stylesheet shows as text (``content: attr(data-x)``).
_CSS_ATTR = re.compile(r"attr\(\s*([A-Za-z_][\w-]*)", re.IGNORECASE)
# CSS or markup that shows text in reverse (a bidi override right to left).
_REVERSED = re.compile(r"bidi-override|<bdo\b", re.IGNORECASE)
_URL_PUNCTUATION = re.compile(r"[?&=#;]")
_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def read_html(data: bytes, context: ExtractionContext) -> None:
    """An HTML file: its visible text, then its hidden text (see ``add_html``).

    A browser opening the file runs its scripts, and one that writes to the page
    (``document.write(String.fromCharCode(...))``) shows text that is not in the markup:
    such a file is unscannable. (Mail programs do not run a body's scripts.)"""
    markup = decode_text(data)
    add_html(markup, context, "" if context.location else "html")
    if _WRITES_TO_PAGE.search(markup) and any(
        _WRITES_TO_PAGE.search(script) for script in _scripts(_parse(markup))
    ):
        context.unscannable(
            f"{context.here('the document')} is an HTML document with a script that writes "
            "to the page; what it shows cannot be read without running it"
        )


def add_html(markup: str, context: ExtractionContext, location: str) -> None:
    """Add the visible text of ``markup`` at ``location``, what a reader does not see
    (comments, every attribute's value but those that hold only layout and settings, such
    as alt and title, aria-label, data-*, form fields' values, mailto: targets) at
    ``location / hidden text``, the targets of links, images and forms and every other URL
    in an attribute or a style (srcset, ``url(...)``), percent-decoded, at ``location /
    links``, each with the element's own text beside it (a link's words), and the text of
    its styles, style attributes and scripts at ``location / style and script``: a
    stylesheet shows its ``content:`` strings as text, and all carry comments and strings
    anyone who opens the message can read.

    What a data: URL holds (an inline image, a document) is read as a file of its own, as
    an attachment is: an image is read with OCR. Nothing is fetched: html.parser never loads
    anything.
    """
    visible, hidden = html_to_text(markup)
    context.add_text(visible, location)
    context.add_text(hidden, location, "hidden text")
    soup = _parse(markup)
    code = [element.get_text() for element in soup.find_all(_NOT_TEXT)]
    styles = _style_attributes(soup)
    context.add_text("\n".join(_link_targets(soup, [*code, *styles])), location, "links")
    css = css_unescaped("\n".join([*code, *(_CSS_DATA_URL.sub("url(", s) for s in styles)]))
    context.add_text(css, location, "style and script")
    context.add_text("\n".join(_generated_content(soup, code)), location, "generated content")
    if _REVERSED.search(markup):
        # Shown right to left, "llieN'O nahboiS" reads "Siobhan O'Neill": read each line
        # both ways, as which parts are reversed depends on the stylesheet.
        reversed_lines = (line[::-1] for line in visible.splitlines())
        context.add_text("\n".join(reversed_lines), location, "shown right to left")
    for number, data in enumerate(_data_urls(soup, code), start=1):
        if data is None:
            context.unscannable(
                f"{context.where(location)} has a data: URL that could not be decoded"
            )
        else:
            context.nested(data, location, f"inline file {number}")


def _generated_content(soup: BeautifulSoup, code: list[str]) -> list[str]:
    """The values of the attributes a stylesheet shows as text (``content: attr(data-n)``
    in a ``<style>`` or a ``style`` attribute), one a line."""
    styles = [*code, *(str(tag.get("style")) for tag in soup.find_all(style=True))]
    names = {name.lower() for style in styles for name in _CSS_ATTR.findall(style)}
    if not names:
        return []
    values = []
    for tag in soup.find_all(True):
        if isinstance(tag, Tag):
            for name, value in tag.attrs.items():
                if name.lower() in names and isinstance(value, str) and value.strip():
                    values.append(value)
    return values


def _scripts(soup: BeautifulSoup) -> list[str]:
    """The code of each script and event handler attribute (``onload=...``) in ``soup``."""
    found = [element.get_text() for element in soup.find_all("script")]
    for tag in soup.find_all(True):
        if isinstance(tag, Tag):
            found += [str(v) for k, v in tag.attrs.items() if k.lower().startswith("on")]
    return found


def css_unescaped(text: str) -> str:
    """``text`` with its CSS escapes decoded ("\\34 82 660" reads "482 660")."""
    if "\\" not in text:
        return text
    return _CSS_ESCAPE.sub(_css_character, text)


def _css_character(escape: re.Match[str]) -> str:
    if escape.group(1) is None:
        return escape.group(2)
    code = int(escape.group(1), 16)
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


def _data_urls(soup: BeautifulSoup, code: list[str]) -> Iterator[bytes | None]:
    """What each data: URL in the markup's attributes and styles holds, or ``None`` for one
    that cannot be decoded."""
    urls: list[str] = []
    for tag in soup.find_all(True):
        if not isinstance(tag, Tag):
            continue
        for value in tag.attrs.values():
            if isinstance(value, str) and value.strip().lower().startswith("data:"):
                urls.append(value.strip())
            elif isinstance(value, str) and "data:" in value.lower():
                urls += [m.group(1) for m in _CSS_DATA_URL.finditer(value)]
    for text in code:
        urls += [m.group(1) for m in _CSS_DATA_URL.finditer(text)]
    for url in urls:
        yield data_url_content(url)


def data_url_content(url: str) -> bytes | None:
    """What a data: URL holds (RFC 2397), or ``None`` when it is no data: URL or its
    base64 does not decode."""
    found = _DATA_URL.fullmatch(url)
    if found is None:
        return None
    payload = found.group(4)
    if not found.group(3):
        return unquote_to_bytes(payload)
    try:
        return base64.b64decode("".join(unquote(payload).split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def _link_targets(soup: BeautifulSoup, styles: list[str]) -> list[str]:
    """Each URL in the markup, percent-decoded, with its query's punctuation as spaces so that
    each value stands on its own, and its element's own text beside it; mailto: targets
    already read as they are are left out. Besides the attributes that hold a URL, any
    attribute whose value holds one or is percent-encoded (srcset, a data-* attribute), and
    each ``url(...)`` in ``styles`` (stylesheets and style attributes)."""
    targets: list[str] = []
    for tag in soup.find_all(True):
        if not isinstance(tag, Tag):
            continue
        for attribute, url in _read_attributes(tag):
            if attribute in _URL_ATTRIBUTES:
                if url.strip().lower().startswith(_NOT_WRITTEN):
                    continue
            elif attribute == "style" or not _URL_LIKE.search(url) or _is_data_url(url):
                continue
            decoded = readable_url(url)
            mailto = attribute == "href" and url.lower().startswith("mailto:")
            if decoded.strip() and not (mailto and decoded == url):
                targets.append(_beside_own_text(decoded, tag))
    for style in styles:
        for found in _CSS_URL.finditer(style):
            url = found.group(1).strip()
            if url and not url.lower().startswith(_NOT_WRITTEN):
                targets.append(readable_url(url))
    return targets


def _read_attributes(tag: Tag) -> Iterator[tuple[str, str]]:
    """(name in lower case, value) of each of ``tag``'s attributes whose value is read: all
    but those in ``_NOTHING_WRITTEN`` and namespace declarations; a value of several words
    that the parser keeps as a list, joined."""
    for name, value in tag.attrs.items():
        lower = name.lower()
        if lower in _NOTHING_WRITTEN or lower.startswith(_NAMESPACE_DECLARATION):
            continue
        text = " ".join(value) if isinstance(value, list) else value
        if isinstance(text, str) and text.strip():
            yield lower, text


def _style_attributes(soup: BeautifulSoup) -> list[str]:
    """The value of each style attribute, once each."""
    found = (tag.get("style") for tag in soup.find_all(style=True))
    return list(dict.fromkeys(value for value in found if isinstance(value, str)))


def _is_data_url(value: str) -> bool:
    return value.strip().lower().startswith("data:")


def _beside_own_text(value: str, tag: Tag) -> str:
    """``value`` with ``tag``'s own text after it, when it has any (see
    ``_ELEMENT_TEXT_CHARS``)."""
    text = _own_text(tag)
    return f"{value} {text}" if text else value


def _own_text(tag: Tag) -> str:
    """The text shown inside ``tag``, white space collapsed, if it is an element within a
    line with at most ``_ELEMENT_TEXT_CHARS`` characters in at most ``_ELEMENT_NODES``
    nodes; "" otherwise."""
    if tag.name in _BLOCKS or tag.name in _CELLS:
        return ""
    pieces: list[str] = []
    length = 0
    for number, node in enumerate(tag.descendants):
        if number >= _ELEMENT_NODES or length > _ELEMENT_TEXT_CHARS:
            return ""
        if isinstance(node, Tag) and (node.name in _BLOCKS or node.name in _CELLS):
            return ""
        shown = node.parent is not None and node.parent.name not in _NOT_TEXT
        if type(node) is NavigableString and shown:
            pieces.append(str(node))
            length += len(node)
    text = " ".join(" ".join(pieces).split())
    return text if len(text) <= _ELEMENT_TEXT_CHARS else ""


def readable_url(url: str) -> str:
    """``url`` percent-decoded, with its query's punctuation as spaces so that each value
    stands on its own ("mailto:a@b.example?subject=NHS%204010232137" reads "mailto:a@b.example
    subject NHS 4010232137"), and a "+" in its query as the space it stands for there
    ("?n=Zo%C3%AB+Kov%C3%A1cs" reads "n Zoë Kovács"; "tel:+44..." keeps its "+")."""
    path, mark, query = url.strip().partition("?")
    return _URL_PUNCTUATION.sub(" ", unquote(path) + mark + unquote_plus(query))


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
    """Comments' text, and the value of each attribute read as text (``_read_attributes``)
    but URLs and styles, read at "links" and "style and script", with its element's own
    text beside it; mailto: targets as they are."""
    pieces: list[str] = []
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        # Outlook's conditional comments hold markup: keep only its text.
        text = _parse(str(comment)).get_text(" ")
        pieces.append(_SPACES.sub(" ", text).strip())
    for tag in soup.find_all(True):
        if not isinstance(tag, Tag):
            continue
        for attribute, value in _read_attributes(tag):
            if attribute in _URL_ATTRIBUTES or attribute == "style" or _is_data_url(value):
                continue
            pieces.append(_beside_own_text(value, tag))
        href = tag.get("href")
        if isinstance(href, str) and href.lower().startswith("mailto:"):
            pieces.append(href)
    return [piece for piece in pieces if piece.strip()]


def _parse(markup: str) -> BeautifulSoup:
    # Handed over as a file, so bs4 does not warn that short markup "looks like a URL or a
    # file name" (it only warns; nothing is ever opened or fetched).
    return BeautifulSoup(io.StringIO(markup), "html.parser")
