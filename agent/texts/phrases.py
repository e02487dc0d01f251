"""Wording a `Phrase` (a sentence kept as facts) and a configuration finding in a language.

The configuration is read before its language is known: its findings are kept as `ConfigProblem`
facts and worded here when shown, in Polish or English ("config check", `sync`, the TUI start).
"""

from __future__ import annotations

from agent.errors import ConfigProblem, Phrase
from agent.texts import text


def word(language: str, phrase: Phrase) -> str:
    """`phrase` in `language`; a value that is a Phrase itself is worded first."""
    values = {name: word(language, v) if isinstance(v, Phrase) else v for name, v in phrase.values.items()}
    return text(language, phrase.key, **values)


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
