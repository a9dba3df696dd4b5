"""Content a mail program shows, or anyone can read, in forms that once went unread: text in
an HTML body's styles and scripts, a data: URL's image, numbers split by markup or by line
ends, text/enriched, uuencoded files, look-alike letters among digits. Each is found as the
form it hides is, and a redacted copy loses it or is refused."""

from __future__ import annotations

import base64

import pytest

from scanner.detect.detector import Detector
from scanner.extract import extract, ocr_available
from scanner.filetype import FileType
from scanner.limits import ScanLimits
from scanner.segments import Extraction
from scanner.transform import Removal, TransformError, redacted
from tests.scanner.images import text_image

LIMITS = ScanLimits()
HEAD = "From: Jane Smith <jane@example.org>\nTo: duty@elsewhere.example\nSubject: notes\n"


def _message(body: str, content_type: str = "text/plain; charset=utf-8") -> bytes:
    return f"{HEAD}MIME-Version: 1.0\nContent-Type: {content_type}\n\n{body}\n".encode()


def _read(raw: bytes) -> Extraction:
    return extract(raw, LIMITS, kind=FileType.EMAIL)


def _found(detector: Detector, raw: bytes) -> set[tuple[str, str]]:
    """``(type, digits or text)`` of every finding in the message ``raw``, digits alone for
    numbers, as detection read them."""
    extraction = _read(raw)
    found = set()
    for finding in detector.scan(extraction):
        segment = extraction.segments[finding.segment]
        start, end = segment.from_source(finding.start, finding.end)
        value = segment.text[start:end]
        digits = "".join(c for c in value if c.isdigit())
        found.add((finding.type, digits if len(digits) >= 6 else value))
    return found


def _body(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


NHS = Removal("468 587 8310", "NHS number")


@pytest.mark.parametrize(
    "html",
    [
        pytest.param(
            "<style>/* Margaret Hughes NHS 468 587 8310 */</style><p>Hi</p>", id="css comment"
        ),
        pytest.param('<script>var nhs="468 587 8310";</script><p>Hi</p>', id="script"),
        pytest.param(
            '<style>p.x::after { content: "NHS 468 587 8310"; }</style><p class="x">Client:</p>',
            id="css content",
        ),
        pytest.param(
            r'<style>p::after { content: "NHS \34 68 587 8310"; }</style><p>Client:</p>',
            id="css escapes",
        ),
    ],
)
def test_styles_and_scripts_are_read(detector: Detector, html: str) -> None:
    """Text in an HTML body's styles and scripts (comments, strings, CSS ``content:``, which
    a mail program shows as text) is read as text."""
    raw = _message(f"<html><head>{html}</head></html>", "text/html; charset=utf-8")
    assert ("UK_NHS", "4685878310") in _found(detector, raw)


def test_a_number_in_a_style_is_redacted() -> None:
    """A redacted copy loses a value written in a stylesheet."""
    html = "<html><head><style>/* NHS 468 587 8310 */</style></head><body>Hi</body></html>"
    out = redacted(_message(html, "text/html; charset=utf-8"), (NHS,))
    assert "468 587 8310" not in _body(out)
    assert "[NHS number removed]" in _body(out)


@pytest.mark.skipif(not ocr_available(LIMITS.tesseract_command), reason="needs Tesseract")
def test_an_image_in_a_data_url_is_read_with_ocr(detector: Detector) -> None:
    """An image written into an HTML body as a data: URL is read with OCR, as an attached
    image is, and a redacted copy that keeps it is refused."""
    image = base64.b64encode(text_image("Margaret Hughes NHS 468 587 8310")).decode()
    html = f'<html><body><p>Hi</p><img src="data:image/png;base64,{image}"></body></html>'
    raw = _message(html, "text/html; charset=utf-8")
    assert ("UK_NHS", "4685878310") in _found(detector, raw)
    with pytest.raises(TransformError):
        redacted(raw, (NHS,))


def test_a_data_url_that_cannot_be_decoded_makes_the_message_unscannable() -> None:
    """A data: URL whose base64 is damaged is named as unreadable, not skipped."""
    html = '<html><body><img src="data:image/png;base64,@@@@"></body></html>'
    reasons = _read(_message(html, "text/html")).unscannable
    assert any("data: URL" in reason for reason in reasons), reasons


SPLIT_HTML = {
    "table cells": "<table><tr><td>NHS</td><td>482</td><td>981</td><td>7062</td></tr></table>",
    "line breaks": "<p>Client Margaret Hughes, NHS 482<br>981<br>7062</p>",
}


@pytest.mark.parametrize("html", list(SPLIT_HTML.values()), ids=list(SPLIT_HTML))
def test_a_number_split_by_markup_is_found_and_redacted(detector: Detector, html: str) -> None:
    """A number split over a table's cells or by <br> (shown as one) is found, and a
    redacted copy loses every piece of it."""
    raw = _message(f"<html><body>{html}</body></html>", "text/html; charset=utf-8")
    assert ("UK_NHS", "4829817062") in _found(detector, raw)
    out = _body(redacted(raw, (Removal("482\t981\t7062", "NHS number"),)))
    assert "[NHS number removed]" in out
    assert "981" not in out


def test_a_number_split_over_lines_is_found(detector: Detector) -> None:
    """A number typed over several lines is still found, and a redacted copy loses it."""
    raw = _message("Client Margaret Hughes NHS no:\n456\n497\n0224\n")
    assert ("UK_NHS", "4564970224") in _found(detector, raw)
    out = _body(redacted(raw, (Removal("456\n497\n0224", "NHS number"),)))
    assert "497" not in out


def test_numbers_on_lines_of_their_own_stay_apart(detector: Detector) -> None:
    """Joining a number's pieces over a line end loses none of the numbers found apart."""
    raw = _message("Phones:\n07700 900123\n07700 900456\n")
    found = _found(detector, raw)
    assert {("PHONE_NUMBER", "07700900123"), ("PHONE_NUMBER", "07700900456")} <= found


def test_format_flowed_text_is_read_unflowed(detector: Detector) -> None:
    """format=flowed text is read as a mail program shows it (RFC 3676): with DelSp=yes a
    soft line break may split a word, and the word is read whole."""
    body = "Write to margaret.hug \nhes@gmail.example about it."
    raw = _message(body, "text/plain; charset=utf-8; format=flowed; delsp=yes")
    assert ("EMAIL_ADDRESS", "margaret.hughes@gmail.example") in _found(detector, raw)


ENRICHED = {
    "text/enriched": "<bold>Jos</bold>eph Oka<italic>for</italic> NHS 943<bold>476</bold>5919",
    "text/richtext": "<bold>Jos</bold>eph Oka<italic>for</italic> NHS 943<bold>476</bold>5919",
}


@pytest.mark.parametrize("content_type", list(ENRICHED))
def test_text_enriched_is_read_without_its_markup(detector: Detector, content_type: str) -> None:
    """text/enriched and text/richtext are read as shown, their markup removed (RFC 1896),
    and a redacted copy that keeps a value split by markup is refused."""
    raw = _message(ENRICHED[content_type], content_type)
    assert ("UK_NHS", "9434765919") in _found(detector, raw)
    with pytest.raises(TransformError):
        redacted(raw, (Removal("9434765919", "NHS number"),))


UUENCODED = "See file.\n\nbegin 644 client.txt\n{}\n`\nend\n"


def test_a_uuencoded_file_in_a_body_is_read(detector: Detector) -> None:
    """A file uuencoded into a plain body is decoded and read as an attachment, and a
    redacted copy that keeps it is refused."""
    import binascii

    encoded = binascii.b2a_uu(b"Margaret Hughes NHS 474 378 5561\n").decode().rstrip("\n")
    raw = _message(UUENCODED.format(encoded))
    assert ("UK_NHS", "4743785561") in _found(detector, raw)
    with pytest.raises(TransformError):
        redacted(raw, (Removal("474 378 5561", "NHS number"),))


def test_uuencoded_text_that_cannot_be_decoded_makes_the_message_unscannable() -> None:
    """A uuencoded block that does not decode is named as unreadable."""
    reasons = _read(_message(UUENCODED.format("M" + "\x7f" * 80))).unscannable
    assert any("uuencoded" in reason for reason in reasons), reasons


def test_letters_that_pass_for_digits_are_read_as_digits(detector: Detector) -> None:
    """O for 0 and l or I for 1 inside numbers are read as the digits they pass for, and a
    redacted copy loses the numbers as written."""
    raw = _message("Client Margaret Hughes, NHS 485 l36 743O, mobile O77OO 9OO8O4.")
    found = _found(detector, raw)
    assert {("UK_NHS", "4851367430"), ("PHONE_NUMBER", "07700900804")} <= found
    removals = (Removal("485 136 7430", "NHS number"), Removal("07700 900804", "phone"))
    out = _body(redacted(raw, removals))
    assert "743O" not in out
    assert "9OO8O4" not in out


def test_a_number_with_en_dashes_is_found(detector: Detector) -> None:
    """An NHS number grouped with en dashes reads as one grouped with hyphens."""
    raw = _message("Client Margaret Hughes NHS 496\u2013079\u20136456")
    assert ("UK_NHS", "4960796456") in _found(detector, raw)
    out = _body(redacted(raw, (Removal("496-079-6456", "NHS number"),)))
    assert "6456" not in out


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="600" height="60"><title>rota</title>'
    b'<text x="5" y="40"><tspan>Margaret Hughes NHS 438</tspan> <tspan>334 6596</tspan></text>'
    b"</svg>"
)


def _docx_with(entries: dict[str, bytes]) -> bytes:
    from tests.scanner.transform.made_files import docx_bytes, with_entries

    return with_entries(docx_bytes("Rota for next week attached below."), entries)


def test_an_svg_picture_in_a_word_document_is_read(detector: Detector) -> None:
    """An SVG picture in a .docx (which Word shows in place of its raster fallback) is read
    for the text it shows."""
    extraction = extract(_docx_with({"word/media/image99.svg": SVG}), LIMITS)
    texts = {segment.location: segment.text for segment in extraction.segments}
    assert "Margaret Hughes NHS 438 334 6596" in texts["drawing 'word/media/image99.svg'"]
    found = {span.type for span in detector.find(texts["drawing 'word/media/image99.svg'"])}
    assert "UK_NHS" in found


def test_an_svg_picture_that_cannot_be_parsed_makes_the_document_unscannable() -> None:
    """An SVG picture that does not parse is named as unreadable."""
    extraction = extract(_docx_with({"word/media/image99.svg": b"<svg><text>NHS"}), LIMITS)
    assert any("SVG" in reason for reason in extraction.unscannable), extraction.unscannable


def test_value_lists_in_a_word_documents_parts_are_not_joined_into_numbers(
    detector: Detector,
) -> None:
    """Numbers one a line with no NHS context (a Word file's numbering and style values)
    are not joined into NHS numbers."""
    assert not [
        s for s in detector.find("left\n720\n360\n1440\n943\n476\n5919\n") if s.type == "UK_NHS"
    ]


def test_a_phone_number_split_over_table_cells_is_found(detector: Detector) -> None:
    """A phone number split over a table's cells, beside its label, is found."""
    html = "<table><tr><td>Mobile</td><td>07700</td><td>900123</td></tr></table>"
    raw = _message(html, "text/html; charset=utf-8")
    assert ("PHONE_NUMBER", "07700900123") in _found(detector, raw)
