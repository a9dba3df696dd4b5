"""Which spans make another redundant, answered at once for many spans, as pair by pair."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from scanner.detect.detector import Span, _Outranking

_SPANS = st.lists(
    st.tuples(st.integers(0, 30), st.integers(1, 8), st.sampled_from([0.3, 0.6, 0.9])).map(
        lambda t: Span(t[0], t[0] + t[1], "X", t[2], "r")
    ),
    max_size=25,
)


def _pairwise(spans: list[Span], span: Span) -> bool:
    """The definition: another span covers it and is longer, or has its bounds and a higher
    score."""
    return any(
        o is not span
        and o.start <= span.start
        and span.end <= o.end
        and (o.end - o.start > span.end - span.start or o.score > span.score)
        for o in spans
    )


@given(_SPANS)
def test_outranking_agrees_with_comparing_every_pair(spans: list[Span]):
    """For any spans, a span is outranked exactly when some other span covers it and is
    longer, or covers the same characters with a higher score."""
    outranking = _Outranking(spans)
    for span in spans:
        assert outranking.outranked(span) == _pairwise(spans, span)
