"""rules/redaction.yaml: what stands in a redacted copy where a value was, per finding type.

Each way is a presidio-anonymizer operator, run by ``scanner.removals`` through presidio's
``AnonymizerEngine`` on the written text of one (merged) span:

- ``replace``: "[NHS number removed]", the finding's label in brackets (presidio's replace).
- ``mask``: "********5919", every character as written masked but the last digits
  (presidio's mask). Digits are kept only where the written value ends in them as plain
  digits ("0-9", not full-width ones or a character reference) and holds at least twice as
  many digits as are kept, so a short number, or one written in disguise, is masked whole.
- ``hash``: "[NHS number pseudonym kqzm-vdtb-hfpn]" (presidio's hash, salted with the
  installation's secret key). Unsalted, a hash of a ten-digit number is reversed by hashing
  every number; salted with a key only this installation has, it is not. The value is hashed
  as its letters and digits only, case folded, so one value gets one pseudonym however it is
  written; the digest's hexadecimal digits are written as consonants, so that no pseudonym
  reads as a number (or a word) that a re-scan of the copy would take for personal data.

The key is 64 hexadecimal digits in a file of its own (``[organisation] pseudonym_key_file``,
by default ``<data_dir>/pseudonym.key``), made with mode 0600 the first time a rule needs it.
Whoever has it can tell which value a pseudonym stands for, by trying them all: keep it as
private as the message key. A new key gives every value a new pseudonym.
"""

from __future__ import annotations

import os
import secrets
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from scanner.findings import Finding
from scanner.rules_file import DEFAULT_OPERATORS, Reader, RulesError, load_yaml

if TYPE_CHECKING:
    from presidio_anonymizer.entities import OperatorConfig

OPERATORS = ("replace", "mask", "hash")
# Four digits are what a partner needs to pick its own record out of the few with the same
# name; more would let a guess of the rest succeed too often.
MAX_KEPT_DIGITS = 4
KEY_BYTES = 32  # presidio asks a salt of at least 16 bytes; SHA-256 has no use for more
# The name of presidio's operator that writes pseudonyms (scanner/_pseudonym.py).
PSEUDONYM = "pseudonym"
_NOT_MASK_CHARACTERS = frozenset("<>&\"'")  # markup: a mask goes into HTML source unescaped


@dataclass(frozen=True)
class Replace:
    """The value becomes "[label removed]"."""

    def config(self, written: str, label: str) -> OperatorConfig:
        """Presidio's operator for the span ``written``, whose kind of thing is ``label``.

        Presidio is imported here, where a copy is redacted, not with the redaction file:
        it imports presidio-analyzer and spaCy, seconds that a process which only reads the
        file (the relay's, checking it at start) should not spend.
        """
        from presidio_anonymizer.entities import OperatorConfig

        return OperatorConfig("replace", {"new_value": f"[{label} removed]"})


@dataclass(frozen=True)
class Mask:
    """Every character of the value becomes ``character`` but its last digits."""

    keep_last_digits: int = MAX_KEPT_DIGITS
    character: str = "*"

    def config(self, written: str, label: str) -> OperatorConfig:
        from presidio_anonymizer.entities import OperatorConfig

        kept = self.keep_last_digits if self._keeps_digits(written) else 0
        return OperatorConfig(
            "mask",
            {
                "masking_char": self.character,
                "chars_to_mask": len(written) - kept,
                "from_end": False,
            },
        )

    def _keeps_digits(self, written: str) -> bool:
        digits = sum(c in string.digits for c in written)
        tail = written[-self.keep_last_digits :]
        return digits >= 2 * self.keep_last_digits and all(c in string.digits for c in tail)


@dataclass(frozen=True)
class Hash:
    """The value becomes a pseudonym made with the installation's ``key``."""

    key: bytes = field(repr=False)

    def config(self, written: str, label: str) -> OperatorConfig:
        from presidio_anonymizer.entities import OperatorConfig

        return OperatorConfig(PSEUDONYM, {"salt": self.key, "label": label})


type Operator = Replace | Mask | Hash
REPLACE = Replace()


@dataclass(frozen=True)
class Operators:
    """The way each finding type is removed, from a redaction file."""

    default: Operator
    by_type: Mapping[str, Operator]
    source: str

    def of(self, finding: Finding) -> Operator:
        return self.by_type.get(finding.type, self.default)


def load_operators(path: Path = DEFAULT_OPERATORS, key_file: Path | None = None) -> Operators:
    """Read and check a redaction file; raises ``RulesError`` naming the file and line.

    ``key_file`` holds the installation's pseudonym key; it is read (or made) only when an
    entry uses ``hash``, and a file that uses it without one is refused.
    """
    top = Reader(path, load_yaml(path), "the redaction file")
    top.unknown_keys({"default", "by_type"})

    def key(item: Reader) -> bytes:
        if key_file is None:
            raise item.fail("'hash' needs the installation's pseudonym key; none was given")
        return pseudonym_key(key_file)

    default = _operator(top.section("default"), key, set())
    by_type: dict[str, Operator] = {}
    for entry in top.get("by_type", list, []):
        item = Reader(path, entry, "each entry of 'by_type'")
        operator = _operator(item, key, {"types"})
        for finding_type in item.strings("types"):
            if finding_type in by_type:
                raise item.fail(f"'{finding_type}' is listed twice; give each type one way")
            by_type[finding_type] = operator
    return Operators(default, by_type, str(path))


def _operator(item: Reader, key: Callable[[Reader], bytes], more: set[str]) -> Operator:
    name = item.get("operator", str)
    if name not in OPERATORS:
        raise item.fail(f"unknown operator '{name}'; expected {'|'.join(OPERATORS)}")
    if not item.get("clause", str).strip():
        raise item.fail("'clause' is empty; name the policy clause this implements")
    known = {"operator", "clause"} | more
    if name == "mask":
        item.unknown_keys(known | {"keep_last_digits", "mask_character"})
        kept = item.get("keep_last_digits", int, MAX_KEPT_DIGITS)
        if not 1 <= kept <= MAX_KEPT_DIGITS:
            raise item.fail(f"'keep_last_digits' must be 1 to {MAX_KEPT_DIGITS}, not {kept}")
        character = item.get("mask_character", str, "*")
        if len(character) != 1 or character.isalnum() or character.isspace():
            raise item.fail("'mask_character' must be one character, not a letter, digit or space")
        if character in _NOT_MASK_CHARACTERS:
            raise item.fail(f"'mask_character' {character!r} is markup in HTML; choose another")
        return Mask(kept, character)
    item.unknown_keys(known)
    return Hash(key(item)) if name == "hash" else REPLACE


def pseudonym_key(path: Path) -> bytes:
    """The installation's pseudonym key in ``path``, made (mode 0600) if there is none.

    Raises ``RulesError`` when the file cannot be read or does not hold a key.
    """
    if not path.exists():
        _make_key_file(path)
    try:
        text = path.read_text(encoding="ascii").strip()
        key = bytes.fromhex(text)
    except OSError as exc:
        raise RulesError(f"{path}: cannot read the pseudonym key: {exc.strerror}") from None
    except ValueError:
        key = b""
    if len(key) < KEY_BYTES:
        raise RulesError(
            f"{path}: not a pseudonym key ({2 * KEY_BYTES} hexadecimal digits); restore it, or "
            "delete it to have a new one made (every value then gets a new pseudonym)"
        )
    return key


def _make_key_file(path: Path) -> None:
    """Write a new key to ``path`` unless another process has just done so: the key is
    written in full to a file of its own, which is then linked in only where none is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as file:
            file.write(secrets.token_hex(KEY_BYTES) + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.link(draft, path)
    except FileExistsError:
        pass  # another process made it first: theirs is the key
    finally:
        draft.unlink(missing_ok=True)
