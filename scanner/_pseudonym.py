"""The pseudonym operator (``hash`` in rules/redaction.yaml, see ``scanner.operators``) as
presidio-anonymizer runs it. Imported by ``scanner.removals`` when it first redacts: importing
presidio takes seconds (it imports presidio-analyzer and spaCy)."""

from __future__ import annotations

from typing import Any

from presidio_anonymizer.operators import Hash as PresidioHash

from scanner.normalise import normalise
from scanner.operators import PSEUDONYM

_PSEUDONYM_LETTERS = 12  # 48 bits: a pair of values shares one in 2.8 x 10^14
_CONSONANTS = str.maketrans("0123456789abcdef", "bcdfghjkmnpqrstv")


class Pseudonym(PresidioHash):
    """Presidio's hash operator on the value's letters and digits, written as a pseudonym."""

    NAME = PSEUDONYM

    def operate(self, text: str | None = None, params: dict[str, Any] | None = None) -> str:
        assert text is not None  # the engine always passes the span's text
        assert params is not None  # and the config's params
        letters = "".join(c for c in normalise(text, "").text.casefold() if c.isalnum())
        salted = {self.HASH_TYPE: self.SHA256, self.SALT: params[self.SALT]}
        digest: str = super().operate(letters, salted)
        code = digest[:_PSEUDONYM_LETTERS].translate(_CONSONANTS)
        groups = "-".join(code[i : i + 4] for i in range(0, len(code), 4))
        return f"[{params['label']} pseudonym {groups}]"

    def operator_name(self) -> str:
        return self.NAME
