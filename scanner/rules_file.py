"""Reading rules files (YAML) with errors that point at the file and line, and where the
rules confide ships with are.

Every mistake is reported as ``file:line: what is wrong; what to do`` so that whoever edits the
rules can fix them without reading Python.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

import yaml

T = TypeVar("T")

# The default rules (detection, policy, banner, term lists, first names): package data of
# ``scanner``, so they are installed with it. In a checkout, ``rules/`` links here.
DEFAULT_RULES_DIR = Path(str(files("scanner").joinpath("default_rules")))
# The files confide reads when confide.toml names none. They are named here, not beside the
# code that reads them, so that reading the configuration does not import that code (the
# recognizers bring in Presidio and spaCy: seconds for every `confide` command).
DEFAULT_RECOGNIZERS = DEFAULT_RULES_DIR / "recognizers.yaml"
DEFAULT_POLICY = DEFAULT_RULES_DIR / "default.yaml"
DEFAULT_BANNER = DEFAULT_RULES_DIR / "banner.yaml"
DEFAULT_OPERATORS = DEFAULT_RULES_DIR / "redaction.yaml"


class RulesError(ValueError):
    """A rules file that cannot be used, with the file, line and what to do."""


try:  # libyaml's parser, which PyYAML's wheels carry: the same result ten times faster
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - a PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _LineLoader(_SafeLoader):
    """A safe YAML loader that remembers the line of every mapping under ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    pairs = loader.construct_mapping(node, deep=True)
    mapping: dict[str, Any] = {str(key): value for key, value in pairs.items()}
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class Reader:
    """Typed access to one YAML mapping, with errors that point at its file and line."""

    def __init__(self, path: Path, mapping: Any, where: str) -> None:
        self.path = path
        if not isinstance(mapping, dict):
            raise RulesError(f"{path}:1: {where} must be a mapping of settings")
        self.mapping = mapping
        self.line = mapping.get("__line__", 1)

    def fail(self, message: str) -> RulesError:
        return RulesError(f"{self.path}:{self.line}: {message}")

    def get(self, key: str, kind: type[T], default: T | None = None) -> T:
        if key not in self.mapping:
            if default is None:
                raise self.fail(f"missing '{key}'; add it (see the comments at the top)")
            return default
        value = self.mapping[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or isinstance(value, bool) is not (kind is bool):
            raise self.fail(f"'{key}' must be a {kind.__name__}, not {value!r}")
        return value

    def score(self, key: str, default: float | None = None) -> float:
        value = self.get(key, float, default)
        if not 0.0 <= value <= 1.0:
            raise self.fail(f"'{key}' must be between 0 and 1, not {value}")
        return value

    def strings(self, key: str, default: list[str] | None = None) -> tuple[str, ...]:
        values = self.get(key, list, default)
        if not all(isinstance(v, str) and v.strip() for v in values):
            raise self.fail(f"'{key}' must be a list of non-empty strings")
        return tuple(values)

    def section(self, key: str) -> Reader:
        return Reader(self.path, self.get(key, dict), f"'{key}'")

    def unknown_keys(self, allowed: set[str]) -> None:
        extra = sorted(set(self.mapping) - allowed - {"__line__"})
        if extra:
            expected = ", ".join(sorted(allowed))
            raise self.fail(f"unknown setting '{extra[0]}'; expected one of: {expected}")


def load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_LineLoader)  # noqa: S506 (a SafeLoader subclass)
    except OSError as exc:
        raise RulesError(f"{path}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise RulesError(f"{path}:{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
