"""Reading one TOML table into typed values, collecting every problem instead of stopping at the first.

`TableReader` takes a parsed table and hands out typed values key by key; each wrong value adds a
problem that names the file, the line (found in the source text), the key, what was found and what
is allowed. Keys nobody asked for are reported as unknown, with a "did you mean" where one is close.
A problem is kept as facts (`ConfigProblem`), worded in English for logs and in the operator's
language when shown (`agent.texts.phrases`): the file is read before its language is known.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from agent.errors import ConfigProblem, Phrase
from agent.texts.phrases import problem_line

T = TypeVar("T")

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]*\")\s*=")


@dataclass(slots=True)
class SourceIndex:
    """Finds the line of a key in the TOML text, for messages (tomllib gives no positions)."""

    lines: Sequence[str]

    def line_of(self, table: str, key: str | None, occurrence: int = 0) -> int | None:
        """1-based line of `key` in `[table]` (the header's line if key is None), or None.

        For `[[company]]` and its sub-tables, `occurrence` picks which company.
        """
        root = table.split(".", maxsplit=1)[0]
        low, high = self._array_region(root, occurrence) if table else (None, None)
        in_array = low is not None
        low = low if low is not None else 0
        high = high if high is not None else len(self.lines)
        current = table == "" or (in_array and table == root)
        header_line: int | None = low + 1 if in_array and table == root else None
        for index in range(low, high):
            text = self.lines[index]
            header = _HEADER.match(text)
            if header:
                if in_array and index == low:
                    continue
                current = header.group(2).replace('"', "").strip() == table
                if current and header_line is None:
                    header_line = index + 1
                continue
            if current and key is not None:
                match = _KEY.match(text)
                if match and match.group(1).strip('"') == key:
                    return index + 1
        return header_line if key is None else None

    def _array_region(self, root: str, occurrence: int) -> tuple[int | None, int | None]:
        """Lines [start, end) of the `occurrence`-th `[[root]]` table; (None, None) if root is no array."""
        starts = [
            index
            for index, text in enumerate(self.lines)
            if (m := _HEADER.match(text)) and m.group(1) == "[[" and m.group(2).replace('"', "").strip() == root
        ]
        if occurrence >= len(starts):
            return None, None
        end = starts[occurrence + 1] if occurrence + 1 < len(starts) else len(self.lines)
        return starts[occurrence], end


@dataclass(slots=True)
class Problems:
    """Every finding of one load, as facts and as complete one-line English messages."""

    file: Path
    source: SourceIndex
    items: list[str] = field(default_factory=list)
    findings: list[ConfigProblem] = field(default_factory=list)
    _lines: list[int] = field(default_factory=list)

    def _order(self) -> list[int]:
        return sorted(range(len(self.items)), key=lambda i: self._lines[i])

    def sorted_items(self) -> list[str]:
        """The findings in the order of the file's lines (those without a line first), as an editor walks them."""
        return [self.items[i] for i in self._order()]

    def sorted_findings(self) -> list[ConfigProblem]:
        """The findings as facts, in the order of `sorted_items`."""
        return [self.findings[i] for i in self._order()]

    def add(self, table: str, key: str | None, what: Phrase, occurrence: int = 0) -> None:
        line = self.source.line_of(table, key, occurrence) or self.source.line_of(table, None, occurrence)
        where = f"{self.file}:{line}" if line else f"{self.file}"
        label: str | Phrase = f"[{table}]" if table else Phrase("config.top_level")
        if key is not None:
            label = f"{table}.{key}" if table else key
        found = ConfigProblem(where, label, what)
        self.findings.append(found)
        self.items.append(problem_line("en", found))
        self._lines.append(line or 0)


class TableReader:
    """Typed access to one table; records a problem (and returns the default) for each bad value."""

    def __init__(
        self,
        data: Mapping[str, Any],
        table: str,
        problems: Problems,
        occurrence: int = 0,
        display: str | None = None,
    ) -> None:
        self._data = data
        self._table = table
        self._display = display or table
        self._problems = problems
        self._occurrence = occurrence
        self._asked: set[str] = set()

    def problem(self, key: str | None, what: Phrase) -> None:
        self._problems.add(self._table, key, what, self._occurrence)

    def has(self, key: str) -> bool:
        return key in self._data

    def _get(self, key: str, default: T, check: Callable[[Any], bool], allowed: Phrase) -> T:
        self._asked.add(key)
        if key not in self._data:
            return default
        value = self._data[key]
        if not check(value):
            self.problem(key, found_allowed(value, allowed))
            return default
        return value  # type: ignore[no-any-return]

    def string(self, key: str, default: T, *, choices: Sequence[str] = ()) -> str | T:
        allowed = (
            Phrase("config.allowed.one_of", {"choices": _listed(choices)})
            if choices
            else Phrase("config.allowed.string")
        )
        return self._get(
            key,
            default,
            lambda v: isinstance(v, str) and (not choices or v in choices) and (bool(v) or not choices),
            allowed,
        )

    def integer(self, key: str, default: int, *, low: int, high: int) -> int:
        return self._get(
            key,
            default,
            lambda v: isinstance(v, int) and not isinstance(v, bool) and low <= v <= high,
            Phrase("config.allowed.integer", {"low": low, "high": high}),
        )

    def boolean(self, key: str, default: bool) -> bool:
        return self._get(key, default, lambda v: isinstance(v, bool), Phrase("config.allowed.boolean"))

    def strings(self, key: str, default: tuple[str, ...], *, choices: Sequence[str] = ()) -> tuple[str, ...]:
        allowed = (
            Phrase("config.allowed.strings_from", {"choices": _listed(choices)})
            if choices
            else Phrase("config.allowed.strings")
        )
        value = self._get(
            key,
            list(default),
            lambda v: isinstance(v, list) and all(isinstance(i, str) and (not choices or i in choices) for i in v),
            allowed,
        )
        return tuple(value)

    def table(self, key: str) -> Mapping[str, Any]:
        empty: Mapping[str, Any] = {}
        return self._get(key, empty, lambda v: isinstance(v, dict), Phrase("config.allowed.table"))

    def unknown_keys(self, known: Sequence[str] = ()) -> None:
        """Report every key that was neither read nor listed in `known`."""
        expected = sorted(self._asked | set(known))
        for key in self._data:
            if key in self._asked or key in known:
                continue
            close = difflib.get_close_matches(key, expected, n=1, cutoff=0.6)
            known = ", ".join(expected)
            if close:
                self.problem(key, Phrase("config.unknown_key_close", {"close": close[0], "known": known}))
            else:
                self.problem(key, Phrase("config.unknown_key", {"known": known}))


def found_allowed(value: object, allowed: Phrase) -> Phrase:
    """The finding "found X, allowed: Y" for a value of the wrong kind."""
    return Phrase("config.found_allowed", {"found": _show(value), "allowed": allowed})


def _listed(choices: Sequence[str]) -> str:
    return ", ".join(f'"{c}"' for c in choices)


def _show(value: object) -> str | Phrase:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return Phrase("config.found.table")
    if isinstance(value, list):
        return "[" + ", ".join(_plain(item) for item in value) + "]"
    return repr(value)


def _plain(value: object) -> str:
    """A list item as written in TOML (a table inside a list is shown as its braces)."""
    shown = _show(value)
    return "{...}" if isinstance(shown, Phrase) else shown
