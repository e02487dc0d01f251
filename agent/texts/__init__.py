"""One text catalogue for everything the agent side shows a person, in Polish or English.

Pure: no I/O, no configuration reading. `text(language, key, **values)` looks a sentence up in the
language's table (`agent.texts.pl`, `agent.texts.en`) and fills it in; `plural(language, n, forms)`
picks the right grammatical form of a counted word (Polish has three: 1 błąd, 3 błędy, 5 błędów).
An unknown language falls back to Polish, the product's default.
"""

from __future__ import annotations

from collections.abc import Mapping

from agent.texts import en, errors_en, errors_pl, log_en, log_pl, pl

TABLES: Mapping[str, Mapping[str, str]] = {
    "pl": {**pl.TEXTS, **log_pl.TEXTS, **errors_pl.TEXTS},
    "en": {**en.TEXTS, **log_en.TEXTS, **errors_en.TEXTS},
}
"""Each language's sentences: the commands' and runs' (`pl`, `en`), the log lines' and errors' (`log_*`),
the stores' and adapters' errors and why an answer cannot be read (`errors_*`)."""


def language_of(language: str) -> str:
    """The catalogue language for a configured `language` value (Polish unless it is "en")."""
    return "en" if language == "en" else "pl"


def plural_category(language: str, n: int) -> str:
    """The plural category of `n`: Polish "one" / "few" / "many", English "one" / "other".

    Polish: 1 -> one; ending in 2-4 but not 12-14 -> few; everything else (0, 5-21, 25...) -> many.
    """
    if language_of(language) == "en":
        return "one" if n == 1 else "other"
    if n == 1:
        return "one"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return "few"
    return "many"


def plural(language: str, n: int, key: str) -> str:
    """`n` followed by the right form of the counted word `key` (e.g. "3 błędy", "1 error")."""
    table = TABLES[language_of(language)]
    category = plural_category(language, n)
    form = table.get(f"{key}.{category}") or table[f"{key}.other" if category == "other" else f"{key}.many"]
    return f"{n} {form}"


def level_word(language: str, level: str) -> str:
    """A log level's name as a person reads it in `language` ("UWAGA" for WARNING in Polish), the same
    word on the console, in the daily file and in the TUI's log pane; a level without a word of its own
    (INFO, DEBUG, custom levels) keeps its name."""
    return TABLES[language_of(language)].get(f"log.level.{level}", level)


def text(language: str, key: str, **values: object) -> str:
    """The sentence `key` in `language`, with `{name}` places filled from `values`."""
    return TABLES[language_of(language)][key].format(**values)
