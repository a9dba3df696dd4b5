"""Removals: what must go for a recipient, as values to remove, and text with them removed.

``removals`` turns findings into the values to remove, each as detection saw it (the
segment's normalised text, reached through the segment's map from its source), with its
label and the way it goes (``scanner.operators``), so the relay and the watcher never slice
text with offsets themselves. ``merged`` is the one place where overlapping and nested spans
become one, so a name inside an email address never leaves the rest of the address behind.
``anonymized`` hands the merged spans to presidio-anonymizer's ``AnonymizerEngine``, whose
operators write what stands in each one's place ("[NHS number removed]", "********5919").
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from scanner.findings import Finding
from scanner.operators import REPLACE, Operator
from scanner.segments import Extraction

if TYPE_CHECKING:
    from presidio_anonymizer import AnonymizerEngine


@dataclass(frozen=True)
class Removal:
    """One value to remove, as detection saw it (normalised text), what it is, and how it goes.

    ``label`` names the kind of thing: "NHS number" becomes "[NHS number removed]".
    """

    value: str
    label: str
    operator: Operator = REPLACE


type Span = tuple[int, int, Removal]  # start, end, and what is there


@dataclass(frozen=True)
class Anonymized:
    """Text with its spans replaced, and each merged span of the original with what took its
    place (for text spread over several nodes, such as a Word paragraph's runs)."""

    text: str
    pieces: tuple[tuple[int, int, str], ...]


def replace_all(finding: Finding) -> Operator:
    """Every finding replaced by its label: the default way."""
    return REPLACE


def removals(
    extraction: Extraction,
    findings: Iterable[Finding],
    label: Callable[[Finding], str],
    operator: Callable[[Finding], Operator] = replace_all,
) -> tuple[Removal, ...]:
    """The values of ``findings`` in ``extraction``, each with its label and the way it goes
    (replaced, unless ``operator`` says otherwise), sorted and once each.

    Findings index each segment's source text; the value is taken from the normalised text
    that detection read, through ``Segment.from_source``.
    """
    found: set[Removal] = set()
    for finding in findings:
        segment = extraction.segments[finding.segment]
        start, end = segment.from_source(finding.start, finding.end)
        value = segment.text[start:end].strip()
        if value:
            found.add(Removal(value, label(finding), operator(finding)))
    return tuple(sorted(found, key=_order))


def _order(removal: Removal) -> tuple[str, str, str]:
    return removal.value, removal.label, repr(removal.operator)


def merged(spans: Iterable[Span]) -> list[Span]:
    """Spans sorted, with overlapping and nested ones joined into one covering span.

    The joined span takes the label of the longest span in it (the longest covering span
    wins): a name found inside an email address is removed as the email address. It goes the
    longest span's way when all its spans go the same way, and is replaced otherwise: a mask
    or a pseudonym made of text that holds another value would keep some of that value.
    """
    result: list[Span] = []
    longest = 0
    for start, end, removal in sorted(spans, key=lambda s: (s[0], s[1], _order(s[2]))):
        if result and start < result[-1][1]:
            first, last, current = result[-1]
            operator = current.operator if removal.operator == current.operator else REPLACE
            if end - start > longest:
                current, longest = removal, end - start
            result[-1] = (first, max(last, end), replace(current, operator=operator))
            continue
        result.append((start, end, removal))
        longest = end - start
    return result


@functools.cache
def _engine() -> AnonymizerEngine:
    """presidio-anonymizer's engine, with the pseudonym operator, made when first needed:
    importing presidio takes seconds (it imports presidio-analyzer and spaCy), which a process
    that never redacts, such as the relay's own (its workers redact), should not spend."""
    from presidio_anonymizer import AnonymizerEngine

    from scanner._pseudonym import Pseudonym

    engine = AnonymizerEngine()  # type: ignore[no-untyped-call]  # its __init__ is unannotated
    engine.add_anonymizer(Pseudonym)
    return engine


def prepare() -> None:
    """Import presidio and make its engine now rather than at the first redaction: for a
    process that redacts all day (a relay's scanning worker), at its start, so that no
    message waits seconds for it."""
    _engine()


def anonymized(text: str, spans: Iterable[Span], escape: bool = False) -> Anonymized:
    """``text`` with each span, once merged, replaced as its removal's operator says (labels
    HTML-escaped if asked).

    Each merged span is an entity type of its own to presidio, so each gets its own operator
    (a mask counts the digits it keeps from its own end), and presidio's own handling of
    overlaps, which would keep two placeholders for two overlapping values, has nothing left
    to do.
    """
    from presidio_anonymizer.entities import RecognizerResult

    joined = merged(spans)
    if not joined:
        return Anonymized(text, ())
    keys = [str(index) for index in range(len(joined))]
    result = _engine().anonymize(
        text,
        [
            RecognizerResult(k, start, end, 1.0)
            for k, (start, end, _) in zip(keys, joined, strict=True)
        ],
        {
            k: removal.operator.config(
                text[start:end], html.escape(removal.label) if escape else removal.label
            )
            for k, (start, end, removal) in zip(keys, joined, strict=True)
        },
        merge_entities_with_spaces=False,
    )
    new = {item.entity_type: item.text for item in result.items}
    return Anonymized(
        result.text,
        tuple((start, end, new[k]) for k, (start, end, _) in zip(keys, joined, strict=True)),
    )


def redact_text(text: str, spans: Iterable[Span], escape: bool = False) -> str:
    """``text`` with each span replaced (see ``anonymized``); overlapping spans go as one."""
    return anonymized(text, spans, escape).text
