"""Firms named after their partners ("Armstrong Watson", "Beever and Struthers"): a trade
before or after the span says it is a firm, not a person (mixed into
``_names.PersonRecognizer``)."""

from __future__ import annotations

import regex

# How far back a firm's trade is looked for before a span ("The auditors, Armstrong Watson").
_TRADE_REACH = 80


def _alternatives(trades: frozenset[str]) -> str:
    return "|".join(sorted((regex.escape(t) for t in trades), key=len, reverse=True)) or "(?!)"


class FirmChecks:
    """Whether a span is a firm's name by the trade written beside it."""

    _trade_before: regex.Pattern[str]
    _trade_after: regex.Pattern[str]

    def _compile_firm_trades(self, trades: frozenset[str]) -> None:
        """The patterns of a trade before and after a span, from ``person.firm_trades``."""
        alternatives = _alternatives(trades)
        # A plural trade just before a span, a comma or a colon between or the span on the
        # next line, and perhaps one partner's name and "and" or "&" first: "The auditors,
        # Armstrong Watson", "AUDITORS" over "Beever and Struthers".
        self._trade_before = regex.compile(
            rf"(?<![\p{{L}}\p{{M}}])(?i:{alternatives})(?:[ \t]*[,:]?[ \t]+|[ \t]*:?[ \t]*\n[ \t]*)"
            r"(?:\p{Lu}[\p{L}\p{M}'’-]*(?: \p{Lu}[\p{L}\p{M}'’-]*)? (?:and|&) )?\Z"
        )
        # The same after the span, a comma or "as" between: "Gibson Greenhalgh, Chartered
        # Accountants", "to reappoint Thomson Cooper as independent examiners".
        self._trade_after = regex.compile(
            r",? (?:as (?:the |our )?)?(?:Chartered |Certified |Registered )?"
            rf"(?i:{alternatives})(?![\p{{L}}\p{{M}}])"
        )

    def _a_firm(self, text: str, start: int, end: int) -> bool:
        """Whether a trade stands just before the span or just after it: "The auditors,
        Armstrong Watson", "Gibson Greenhalgh, Chartered Accountants", "Thomson Cooper as
        independent examiners"."""
        return (
            self._trade_before.search(text, max(0, start - _TRADE_REACH), start) is not None
            or self._trade_after.match(text, end) is not None
        )
