"""The catalogue against the code that uses it, read from the source (no screen needs to be shown):

* every key the TUI names literally exists in both languages;
* every key the TUI builds from a value ("job." + job) exists for every value that type allows;
* every key in the catalogue is used (a dead key is a text nobody maintains);
* no widget, notification or key binding is given words of its own instead of a catalogue entry.

The render tests (`test_i18n.py`, `test_manage_languages.py`, `test_schedules_cron.py`) show every
screen in both languages; these catch what a render does not reach (a branch, a value not shown).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import pytest

from agent.core.cron_check import CRON_FIELDS
from agent.domain import JOB_ORDER
from agent.runtime.events import ConnectionStatus, RunResult, RunTrigger, SchedulerRole, ServiceState, SkipReason
from agent.runtime.manage import LOG_KINDS
from agent.state.models import Outcome
from tui.i18n import CATALOGUE

TUI = Path(__file__).resolve().parents[2] / "tui"
KEY = re.compile(r"^[a-z_]+\.[a-z_0-9]+$")
CATALOGUE_FILES = {"texts_pl.py", "texts_en.py", "i18n.py"}

WIDGETS = {"Label", "Static", "Button", "Tick", "Checkbox", "Choice", "RadioButton", "Switch", "notify",
           "SystemCommand", "Header", "Input", "Select", "Option"}
"""Calls whose string arguments an operator reads."""
KNOWN_HARD_CODED: set[tuple[str, str]] = set()
"""Found and reported (a text another change owns, where, the words); drop an entry once its text moves to
the catalogue."""

FAMILIES: dict[str, tuple[str, ...]] = {
    "job.": JOB_ORDER,
    "cron.": CRON_FIELDS,
    "cron.allowed_": CRON_FIELDS,
    "weekday.": tuple(str(day) for day in range(7)),
    "last.": get_args(RunResult),
    "trigger.": get_args(RunTrigger),
    "outcome.": get_args(Outcome),
    "conn.": get_args(ConnectionStatus),
    "state.": get_args(ServiceState),
    "role.": get_args(SchedulerRole),
    "skip.": get_args(SkipReason),
    "logs.kind_": LOG_KINDS,
    "schedules.err_": ("from_hour", "to_hour", "every_minutes", "jobs", "operator"),
}
"""Keys built from a value: the prefix, and every value the code can append."""


def sources() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(TUI.rglob("*.py")):
        if path.name not in CATALOGUE_FILES:
            yield path.relative_to(TUI).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def is_texts(call: ast.Call) -> bool:
    name = ast.unparse(call.func)
    return name == "t" or name.endswith("texts")


def keys_used() -> tuple[dict[str, str], set[str]]:
    """Literal keys (key -> where) and the prefixes of built ones, as the TUI's source names them."""
    literal: dict[str, str] = {}
    prefixes: set[str] = set()

    def constants(node: ast.expr) -> Iterator[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, ast.IfExp):
            yield from constants(node.body)
            yield from constants(node.orelse)

    for where, tree in sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and is_texts(node) and node.args:
                first = node.args[0]
                for key in constants(first):
                    literal.setdefault(key, f"{where}:{node.lineno}")
                if isinstance(first, ast.BinOp) and isinstance(first.left, ast.Constant):
                    prefixes.add(str(first.left.value))
                if isinstance(first, ast.JoinedStr) and isinstance(first.values[0], ast.Constant):
                    prefixes.add(str(first.values[0].value))
            # `key = "a.b" if ... else "a.c"` and then `texts(key)`.
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "key" for t in node.targets):
                for key in constants(node.value):
                    if KEY.match(key):
                        literal.setdefault(key, f"{where}:{node.lineno}")
    return literal, prefixes


def test_every_key_named_in_the_tui_is_in_both_languages() -> None:
    literal, _ = keys_used()
    assert len(literal) > 100  # the scan finds the keys (a broken scan must not pass quietly)
    for language, entries in CATALOGUE.items():
        missing = {key: where for key, where in literal.items() if key not in entries}
        assert missing == {}, language


@pytest.mark.parametrize("prefix", sorted(FAMILIES))
def test_every_built_key_exists_for_every_value(prefix: str) -> None:
    _, prefixes = keys_used()
    assert prefix in prefixes, f"the TUI no longer builds {prefix}*: drop it from FAMILIES"
    for language, entries in CATALOGUE.items():
        missing = [prefix + value for value in FAMILIES[prefix] if prefix + value not in entries]
        assert missing == [], language


def test_every_catalogue_key_is_used() -> None:
    literal, prefixes = keys_used()
    unused = [key for key in CATALOGUE["pl"]
              if key not in literal and not any(key.startswith(prefix) for prefix in prefixes)]
    assert unused == []


def test_no_widget_is_given_words_of_its_own() -> None:
    found: set[tuple[str, str]] = set()
    for where, tree in sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = ast.unparse(node.func).rsplit(".", 1)[-1]
            if name in WIDGETS:
                texts = [*node.args, *(k.value for k in node.keywords
                                       if k.arg in ("label", "placeholder", "title", "message", "tooltip"))]
            elif name in ("Binding", "bind"):
                texts = [*node.args[2:3], *(k.value for k in node.keywords if k.arg == "description")]
            else:
                continue
            for text in texts:
                if isinstance(text, ast.JoinedStr):
                    words = "".join(str(v.value) for v in text.values if isinstance(v, ast.Constant))
                elif isinstance(text, ast.Constant) and isinstance(text.value, str):
                    words = text.value
                else:
                    continue
                if re.search(r"[^\W\d_]{2,}", words):
                    found.add((where, words))
    assert found - KNOWN_HARD_CODED == set()
