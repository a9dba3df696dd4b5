"""Normalisation before detection, and the offsets that lead back to the extracted text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.normalise import carries_quoted_printable, normalise

# A quoted-printable line as an encoder wraps it: 75 characters and a soft break.
_WRAPPED = "Please ring the carer about the referral we discussed this morning, on 0770="


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("plain text 07700 900123", "plain text 07700 900123", id="unchanged"),
        pytest.param(
            "\uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10\uff11\uff12\uff13",
            "07700 900123",
            id="full-width digits",
        ),
        pytest.param("NHS\u00a0485\u00a0777\u00a03456", "NHS 485 777 3456", id="no-break spaces"),
        pytest.param("07700\u202f900123", "07700 900123", id="narrow no-break space"),
        pytest.param("999\u2800234\u28005675", "999 234 5675", id="braille blank"),
        pytest.param("999\u3164234\uffa05675", "999 234 5675", id="hangul fillers"),
        pytest.param("Amina\u115fOkafor\u1160", "Amina Okafor ", id="hangul jamo fillers"),
        pytest.param("07\u200b700\u200c900\u200d123", "07700900123", id="zero-width characters"),
        pytest.param("\ufeffJane", "Jane", id="byte order mark"),
        pytest.param("Ja\u00adne Smith", "Jane Smith", id="soft hyphen"),
        pytest.param("\u2060Jane\u200e", "Jane", id="word joiner and direction mark"),
        pytest.param("\ufb01le \u00bd", "file 1\u20442", id="compatibility forms"),
        pytest.param("\uff2a\uff41\uff4e\uff45", "Jane", id="full-width letters"),
        pytest.param("Smith &amp; Jones", "Smith & Jones", id="named reference"),
        pytest.param("it&#39;s &#x41;", "it's A", id="numeric references"),
        pytest.param("a&nbsp;b", "a b", id="nbsp reference then NFKC"),
        pytest.param("&#65296;7700", "07700", id="reference to a full-width digit"),
        pytest.param("07&#8203;700", "07700", id="reference to a zero-width space"),
        pytest.param("AT&T; R&D", "AT&T; R&D", id="unknown references stay"),
        pytest.param("lone \ud800 surrogate", "lone \ufffd surrogate", id="lone surrogate"),
        pytest.param(
            "call 07700 9=\n00123 about =3D x",
            "call 07700 900123 about = x",
            id="undecoded quoted-printable",
        ),
        pytest.param(
            "caf=C3=A9 on 0770=\r\n0 900123",
            "café on 07700 900123",
            id="quoted-printable UTF-8 and CRLF soft break",
        ),
        pytest.param(
            "Kind regards,\r\nPriya\r\rLeeds", "Kind regards,\nPriya\n\nLeeds", id="CRLF and CR"
        ),
        pytest.param(f"{_WRAPPED}\n0 900123", _WRAPPED[:-1] + "0 900123", id="wrapped QP lines"),
        pytest.param("total =\nsum", "total = sum", id="a short line ending in = is prose"),
        pytest.param(
            "19:15 Selkirk Grace\nPiping in the Haggis\nAddress to a Haggis\n"
            "19:45 Supper: cock-a-leekie, haggis, neeps and tatties, cranachan",
            "19:15 Selkirk Grace\nPiping in the Haggis\nAddress to a Haggis\n"
            "19:45 Supper: cock-a-leekie, haggis, neeps and tatties, cranachan",
            id="a running order's short lines are no wrapped paragraph",
        ),
        pytest.param(
            "Our new duty worker will visit the family with Harriet\n"
            "Blenkinsop Tuesday morning and ring the school to say\n"
            "so when they are back at the office in the afternoon",
            "Our new duty worker will visit the family with Harriet "
            "Blenkinsop Tuesday morning and ring the school to say "
            "so when they are back at the office in the afternoon",
            id="a full line's capitalised end and the next line's start are one wrap",
        ),
        pytest.param("x =3D y", "x =3D y", id="escape without soft breaks is not QP"),
        pytest.param(
            "Amina  Okafor,  943  476  5919", "Amina Okafor, 943 476 5919", id="runs of spaces"
        ),
        pytest.param("943 \t476\t 5919", "943 476 5919", id="spaces and tabs mixed"),
        pytest.param("Name\tNHS no\t\tDOB", "Name\tNHS no\t\tDOB", id="tabs between cells stay"),
        pytest.param(
            "Client      DOB          NHS no\nAda Obi     01/05/1950   943 476 5919",
            "Client\tDOB\tNHS no\nAda Obi\t01/05/1950\t943 476 5919",
            id="columns laid out with spaces become cells",
        ),
        pytest.param(
            "Name          DOB         Postcode\nAda Obi       03/04/2011  LS8 4EX\n"
            "Christopher Okonkwo  12/11/2012  LS9 7QP\nBo Lee        04/05/2012  LS6 1AN",
            "Name\tDOB\tPostcode\nAda Obi\t03/04/2011\tLS8 4EX\n"
            "Christopher Okonkwo\t12/11/2012\tLS9 7QP\nBo Lee\t04/05/2012\tLS6 1AN",
            id="a value filling its column leaves two spaces, still a gap in a table",
        ),
        pytest.param(
            "One sentence.  Two here.\nAnd more  text.",
            "One sentence. Two here.\nAnd more text.",
            id="two spaces in prose stay one space",
        ),
        pytest.param("Hello   there\nbye", "Hello there\nbye", id="one wide gap is no table"),
        pytest.param("L\u0301S9 6AB Siobha\u0301n", "LS9 6AB Siobhan", id="combining accents"),
        pytest.param("Siobhán", "Siobhán", id="a letter written with its accent stays"),
        pytest.param("07700 90\x7f04\x0061", "07700 900461", id="DEL and NUL dropped"),
        pytest.param(
            "\u0669\u0664\u0663 \u096a\u096d\u096c", "943 476", id="other scripts' digits"
        ),
        pytest.param("page one\x0cpage two", "page one\npage two", id="form feed ends a line"),
        pytest.param("L\u0301\u0323S9", "LS9", id="stacked combining marks on a Latin letter"),
        pytest.param("\u0915\u093f", "\u0915\u093f", id="other scripts keep their marks"),
        pytest.param(
            "https://forms.example.com/p?who=Margaret%20Okonkwo&tel=07700%20900461",
            "https://forms.example.com/p?who=Margaret Okonkwo&tel=07700 900461",
            id="percent escapes in a URL",
        ),
        pytest.param(
            "https://x.example/?n=%4Dargaret+%4fkonkwo&p=%30%37%37",
            "https://x.example/?n=Margaret Okonkwo&p=077",
            id="plus is a space in a URL's query",
        ),
        pytest.param("Ren%C3%A9e Ren%E9e", "Renée Renée", id="percent UTF-8, else Latin-1"),
        pytest.param("?who=Margaret%2520Okonkwo", "?who=Margaret Okonkwo", id="encoded twice"),
        pytest.param("1+1=2, 50% off a+b", "1+1=2, 50% off a+b", id="plus and percent in prose"),
        pytest.param(
            "Fairweather_9434765919_careplan.csv NI_JC482917B_letter.pdf",
            "Fairweather 9434765919 careplan.csv NI JC482917B letter.pdf",
            id="underscores beside a number in a file name",
        ),
        pytest.param(
            "j_smith_1985@example.com care_plan.docx",
            "j_smith_1985@example.com care_plan.docx",
            id="underscores in an address or between words stay",
        ),
    ],
)
def test_normalise_rewrites(source: str, expected: str) -> None:
    """Each kind of disguise is undone, and plain text is left alone."""
    assert normalise(source, "body").text == expected


def test_unchanged_text_has_no_offsets() -> None:
    """When nothing changes, offsets are the same in both texts and none are stored."""
    segment = normalise("nothing to do", "body")
    assert segment.source_offsets is None
    assert segment.location == "body"
    assert segment.to_source(0, 7) == (0, 7)


@pytest.mark.parametrize(
    ("source", "needle", "source_span"),
    [
        pytest.param("ab\u200bcd 07700", "07700", (6, 11), id="after a dropped character"),
        pytest.param("&amp; Jane Smith", "Jane Smith", (6, 16), id="after an entity"),
        pytest.param(
            "\uff10\uff17\uff17\uff10\uff10 x", "07700", (0, 5), id="full-width span itself"
        ),
        pytest.param("a=3Db 0770=\n0 900123", "07700 900123", (6, 20), id="across a soft break"),
        pytest.param("x \ufb01ne y", "fine", (2, 5), id="ligature expands"),
        pytest.param(
            "p?who=Margaret%20Okonkwo&x", "Margaret Okonkwo", (6, 24), id="percent escapes"
        ),
    ],
)
def test_offsets_map_back(source: str, needle: str, source_span: tuple[int, int]) -> None:
    """A span found in the normalised text maps onto the source text it came from."""
    segment = normalise(source, "body")
    start = segment.text.index(needle)
    assert segment.to_source(start, start + len(needle)) == source_span


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a=\nb =3D", True),
        (f"{_WRAPPED}\nmore", True),
        ("short =\nline", False),
        ("no soft breaks =3D", False),
        ("", False),
        ("REPORT (printed 14/10/2024)\n" + "=" * 64 + "\nMember\tDate of birth\n", False),
        (f"{_WRAPPED}\nx = 1", False),
    ],
)
def test_quoted_printable_detection(text: str, expected: bool) -> None:
    """Only text that clearly carries undecoded quoted-printable is treated as such."""
    assert carries_quoted_printable(text) is expected


# Pieces normalisation reacts to, mixed with arbitrary characters.
_PIECES = (
    st.sampled_from(
        [
            "&amp;",
            "&#48;",
            "=3D",
            "=\n",
            "=\r\n",
            "=C3=A9",
            "\u200b",
            "\u00ad",
            "\ufeff",
            "\uff10",
            "\ufb01",
        ]
    )
    | st.characters()
)


@given(st.one_of(st.text(max_size=80), st.lists(_PIECES, max_size=40).map("".join)))
def test_offsets_are_valid_source_indices(source: str) -> None:
    """Every output character maps to a valid source index, in order, ending at the end."""
    segment = normalise(source, "body")
    offsets = segment.source_offsets
    if offsets is None:
        assert segment.text == source
        return
    assert len(offsets) == len(segment.text) + 1
    assert all(0 <= offsets[i] < len(source) for i in range(len(segment.text)))
    assert offsets[-1] == len(source)
    assert list(offsets) == sorted(offsets)


@given(
    prefix=st.text(max_size=40),
    needle=st.text(alphabet="abcXYZ0123456789", min_size=1, max_size=12),
    suffix=st.text(max_size=40),
)
def test_span_equal_to_source_substring_maps_onto_it(prefix: str, needle: str, suffix: str) -> None:
    """An unchanged word in the output maps back onto exactly that word in the source."""
    source = f"{prefix} {needle} {suffix}"
    segment = normalise(source, "body")
    expected = (len(prefix) + 1, len(prefix) + 1 + len(needle))
    spans = [
        segment.to_source(i, i + len(needle))
        for i in range(len(segment.text) - len(needle) + 1)
        if segment.text[i : i + len(needle)] == needle
    ]
    assert expected in spans
