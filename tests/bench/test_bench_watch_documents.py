"""The documents bench_watch writes: the personal data it claims is there is well formed."""

from __future__ import annotations

import random
import time
from pathlib import Path

from bench.bench_watch import KINDS, nhs_number, write_tree
from scanner.checksums import nhs_mod11


def test_invented_nhs_numbers_carry_valid_check_digits() -> None:
    """Every invented NHS number passes the modulus-11 check the scanner applies."""
    rng = random.Random(1)  # noqa: S311 - invented test data, not secrets
    assert all(nhs_mod11(nhs_number(rng).replace(" ", "")) for _ in range(500))


def test_the_tree_holds_every_kind_a_minute_old(tmp_path: Path) -> None:
    """A tree of twelve documents has two of each kind, none modified in the last minute."""
    total = write_tree(tmp_path, 12)
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert sorted(p.suffix for p in files) == sorted(KINDS * 2)
    assert total == sum(p.stat().st_size for p in files)
    assert all(p.stat().st_mtime <= time.time() - 59 for p in files)
