"""Wording a `Phrase` (a sentence kept as facts) and a configuration finding in a language.

The configuration is read before its language is known: its findings are kept as `ConfigProblem`
facts and worded here when shown, in Polish or English ("config check", `sync`, the TUI start).
A run's item outcomes are kept the same way (`ItemOutcome.phrase`), worded when read.

Two keys are not sentences of the catalogue but ways of putting facts together, so a phrase can
hold a counted word or a list and still be worded in any language later:

- `counted(n, "days")` is "1 dzień" / "5 dni" / "1 day" (`Phrase("plural", {"n": n, "of": key})`);
- `joined(items, "; ")` is its items, each worded, between the separator.
"""

from __future__ import annotations

from collections.abc import Iterable

from agent.errors import ConfigProblem, Phrase
from agent.texts import plural, text

PLURAL = "plural"
JOINED = "joined"


def counted(n: int, key: str) -> Phrase:
    """`n` with the right form of the counted word `key` (`plural`), worded when shown."""
    return Phrase(PLURAL, {"n": n, "of": key})


def joined(items: Iterable[Phrase | str], separator: str) -> Phrase:
    """`items`, each worded when shown, put together with `separator` between them."""
    return Phrase(JOINED, {"items": tuple(items), "by": separator})


def word(language: str, phrase: Phrase) -> str:
    """`phrase` in `language`; a value that is a Phrase itself is worded first.

    KeyError when the phrase names a key the catalogue does not have (a caller reading phrases
    stored by another version of the agent words the recorded text instead).
    """
    if phrase.key == PLURAL:
        return plural(language, int(str(phrase.values["n"])), str(phrase.values["of"]))
    if phrase.key == JOINED:
        items = phrase.values["items"]
        parts = items if isinstance(items, tuple | list) else (items,)
        return str(phrase.values["by"]).join(str(_value(language, part)) for part in parts)
    values = {name: _value(language, v) for name, v in phrase.values.items()}
    return text(language, phrase.key, **values)


def _value(language: str, value: object) -> object:
    return word(language, value) if isinstance(value, Phrase) else value


def problem_line(language: str, problem: ConfigProblem) -> str:
    """One finding as a line: where, which key, what is wrong ("config.toml:3: agent.language: ...")."""
    what = word(language, problem.what)
    if problem.label is None:
        return f"{problem.where}: {what}"
    label = word(language, problem.label) if isinstance(problem.label, Phrase) else problem.label
    return f"{problem.where}: {label}: {what}"


def problem_lines(language: str, problems: tuple[str, ...], findings: tuple[ConfigProblem, ...]) -> tuple[str, ...]:
    """The lines of a ConfigError: its findings worded in `language`, else its lines as they are."""
    return tuple(problem_line(language, found) for found in findings) if findings else problems
