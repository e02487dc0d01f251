"""Wording a `Phrase` (a sentence kept as facts), an error and a configuration finding in a language.

The configuration is read before its language is known: its findings are kept as `ConfigProblem`
facts and worded here when shown, in Polish or English ("config check", `sync`, the TUI start).
A run's item outcomes are kept the same way (`ItemOutcome.phrase`), worded when read; so are log
lines and errors (`agent.logs.say`, `MarketsyncError.phrase`), whose facts may also be a `Count`,
a moment (`At`, shown in the reader's zone) or an error (worded with its hint).

Two keys are not sentences of the catalogue but ways of putting facts together, so a phrase can
hold a counted word or a list and still be worded in any language later:

- `counted(n, "days")` is "1 dzień" / "5 dni" / "1 day" (`Phrase("plural", {"n": n, "of": key})`);
- `joined(items, "; ")` is its items, each worded, between the separator.

An error raised without a hint of its own carries its class's English default (`agent.errors`);
here the class's key finds the sentence in the catalogue instead. A hint given where the error was
raised is kept as it is, with `COMPANY` replaced by the company's name when it is known, unless
the error carries it as facts too (`hint_phrase`): then it is worded in the language. Likewise an
error's message is worded from its `phrase` when it has one, else kept as raised.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from agent.errors import At, ConfigError, ConfigProblem, Count, MarketsyncError, Phrase
from agent.texts import TABLES, language_of, plural, text
from agent.texts.clock import DEFAULT_ZONE, local_time

PLURAL = "plural"
JOINED = "joined"


def counted(n: int, key: str) -> Phrase:
    """`n` with the right form of the counted word `key` (`plural`), worded when shown."""
    return Phrase(PLURAL, {"n": n, "of": key})


def joined(items: Iterable[Phrase | str], separator: str) -> Phrase:
    """`items`, each worded when shown, put together with `separator` between them."""
    return Phrase(JOINED, {"items": tuple(items), "by": separator})


def word(language: str, phrase: Phrase, zone: str = DEFAULT_ZONE) -> str:
    """`phrase` in `language`, its moments in `zone`; a value that is a Phrase itself is worded first.

    KeyError when the phrase names a key the catalogue does not have (a caller reading phrases
    stored by another version of the agent words the recorded text instead).
    """
    if phrase.key == PLURAL:
        return plural(language, int(str(phrase.values["n"])), str(phrase.values["of"]))
    if phrase.key == JOINED:
        items = phrase.values["items"]
        parts = items if isinstance(items, tuple | list) else (items,)
        return str(phrase.values["by"]).join(str(value_in(language, part, zone)) for part in parts)
    values = {name: value_in(language, v, zone) for name, v in phrase.values.items()}
    return text(language, phrase.key, **values)


def value_in(language: str, value: object, zone: str = DEFAULT_ZONE) -> object:
    """A value of a phrase as shown: a Phrase, a Count or an error worded in `language`, a moment in
    `zone`, anything else as it is."""
    if isinstance(value, Phrase):
        return word(language, value, zone)
    if isinstance(value, Count):
        return plural(language, value.n, value.word)
    if isinstance(value, At):
        if value.clock:
            return local_time(value.moment, zone, pattern="%H:%M:%S", offset=False)
        return local_time(value.moment, zone)
    if isinstance(value, BaseException):
        return error_text(language, value, zone=zone)
    if language_of(language) == "pl" and isinstance(value, float | Decimal) and not isinstance(value, bool):
        return PolishNumber(value)
    return value


class PolishNumber:
    """A number with a decimal comma, as Polish writes it ("0,25 s", "12,50 zł"), in any format."""

    def __init__(self, value: float | Decimal) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec).replace(".", ",")

    def __str__(self) -> str:
        return format(self, "")


def known_phrase(said: str, prefixes: tuple[str, ...]) -> Phrase | None:
    """The catalogue's phrase (no values) whose English is `said`, among keys starting with `prefixes`.

    For a sentence that was kept as English text (a connection file's reason, an event's detail)."""
    for key, english in TABLES["en"].items():
        if english == said and key.startswith(prefixes):
            return Phrase(key)
    return None


DETAIL_KEYS = ("conn.detail.", "err.reason.")
"""Where the fixed details of a connection's state are worded."""


def detail_phrase(detail: str) -> Phrase | str:
    """A connection's detail as facts when it is one of ours (else data, such as an account's name)."""
    return known_phrase(detail, DETAIL_KEYS) or detail


def detail_words(language: str, detail: str) -> str:
    """A connection's detail in `language` when it is one of ours, else as it is."""
    found = known_phrase(detail, DETAIL_KEYS)
    return detail if found is None else word(language, found)


def hint_for(language: str, error: MarketsyncError, company: str | None = None, *, zone: str = DEFAULT_ZONE) -> str:
    """The hint to show for `error` ("" when there is none)."""
    name = company or "COMPANY"
    table = TABLES[language_of(language)]
    phrase = error.hint_phrase
    if isinstance(phrase, Phrase):
        # A hint may name the company ("marketsync connect {company}"); the raiser may not know it.
        return word(language, Phrase(phrase.key, {"company": name, **phrase.values}), zone)
    if error.hint and error.hint != type(error).hint:
        return error.hint.replace("COMPANY", name)
    for cls in type(error).__mro__:
        sentence = table.get(f"hint.{cls.__name__}")
        if sentence is not None:
            return sentence.format(company=name)
    return error.hint.replace("COMPANY", name)


def error_phrase(error: MarketsyncError, company: str) -> Phrase | None:
    """What `error` says and its hint, as facts to keep (a run's summary), worded when read; None
    when its message was not raised as facts (its English words are then kept)."""
    if error.phrase is None:
        return None
    hint: Phrase | str | None = None
    if isinstance(error.hint_phrase, Phrase):
        hint = Phrase(error.hint_phrase.key, {"company": company, **error.hint_phrase.values})
    elif error.hint and error.hint != type(error).hint:
        hint = error.hint.replace("COMPANY", company)
    else:
        keys = (f"hint.{cls.__name__}" for cls in type(error).__mro__)
        key = next((key for key in keys if key in TABLES["en"]), None)
        hint = Phrase(key, {"company": company}) if key is not None else error.hint.replace("COMPANY", company) or None
    return error.phrase if hint is None else Phrase("outcome.error_hinted", {"said": error.phrase, "hint": hint})


def message_for(language: str, error: BaseException, *, zone: str = DEFAULT_ZONE) -> str:
    """What `error` says, in `language` when it carries its sentence as facts, else as raised."""
    if isinstance(error, ConfigError) and error.findings and error.phrase is None:
        return "; ".join(problem_line(language, found) for found in error.findings)
    if isinstance(error, MarketsyncError):
        return word(language, error.phrase, zone) if error.phrase is not None else error.message
    return str(error)


def error_text(language: str, error: BaseException, company: str | None = None, *, zone: str = DEFAULT_ZONE) -> str:
    """The error as one line: its message, then its hint in brackets (as `str(error)` does, in English)."""
    said = message_for(language, error, zone=zone)
    hint = hint_for(language, error, company, zone=zone) if isinstance(error, MarketsyncError) else ""
    return f"{said} ({hint})" if hint else said


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
