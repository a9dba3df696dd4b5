"""Where the rules come from: the defaults ship inside the package (so an installed confide
has them), rules/ in a checkout is the same folder, and confide.toml can name others."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

import scanner
from gateway.config import Settings
from scanner.detect.recognizers_file import load_recognizers
from scanner.policy.policy_file import DEFAULT_POLICY, load_policy
from scanner.rules_file import DEFAULT_RECOGNIZERS, DEFAULT_RULES_DIR
from scanner.transform import DEFAULT_BANNER, load_banner

CHECKOUT = Path(__file__).resolve().parents[2]
PACKAGE = Path(scanner.__file__).resolve().parent


def test_the_defaults_are_files_of_the_scanner_package() -> None:
    """Every default rules file is inside the installed scanner package, and loads."""
    assert DEFAULT_RULES_DIR.resolve() == PACKAGE / "default_rules"
    for path in (DEFAULT_RECOGNIZERS, DEFAULT_POLICY, DEFAULT_BANNER):
        assert path.parent == DEFAULT_RULES_DIR
        assert path.is_file()
    load_recognizers()
    load_policy()
    load_banner(DEFAULT_BANNER, "Riverside Carers' Centre")


def test_every_default_rules_file_is_declared_package_data() -> None:
    """pyproject.toml's package-data globs take in every file under default_rules/, so the
    wheel carries them all (a new kind of file there needs a glob)."""
    pyproject = tomllib.loads((CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = pyproject["tool"]["setuptools"]["package-data"]["scanner"]
    files = [p.relative_to(PACKAGE) for p in DEFAULT_RULES_DIR.rglob("*") if p.is_file()]
    files = [f for f in files if "__pycache__" not in f.parts]
    assert files
    unshipped = [
        f for f in files if not any(len(f.parts) == g.count("/") + 1 and f.match(g) for g in globs)
    ]
    assert unshipped == []


def test_rules_in_a_checkout_is_the_shipped_folder() -> None:
    """rules/ at the top of a checkout is the shipped folder, so paths such as
    rules/default.yaml in a confide.toml or the README keep working there."""
    assert (CHECKOUT / "rules").resolve() == DEFAULT_RULES_DIR.resolve()
    assert (CHECKOUT / "rules" / "default.yaml").read_bytes() == DEFAULT_POLICY.read_bytes()


def test_relative_paths_in_confide_toml_are_read_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An organisation's own rules, named by a relative path in confide.toml, are the ones
    loaded (from the working directory), not the defaults."""
    own = tmp_path / "our-rules"
    shutil.copytree(DEFAULT_RULES_DIR, own)
    (tmp_path / "confide.toml").write_text(
        "[organisation]\n"
        'policy = "our-rules/default.yaml"\n'
        'banner = "our-rules/banner.yaml"\n'
        "[detection]\n"
        'rules = "our-rules/recognizers.yaml"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONFIDE_CONFIG", "confide.toml")
    settings = Settings()
    assert settings.organisation.policy == Path("our-rules/default.yaml")
    assert load_policy(settings.organisation.policy).source == "our-rules/default.yaml"
    assert load_recognizers(settings.detection.rules).term_lists[0].source.startswith("our-rules/")
