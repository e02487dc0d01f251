"""A configuration finding that stops the load at once: one problem as facts, and tomllib's words.

`load_config` collects most findings with `agent.config_reader`; a file that is missing, unreadable
or not TOML at all stops it before that. Each becomes a ConfigError of one `ConfigProblem`, worded
in English for its message and in the operator's language when shown.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from agent.errors import ConfigError, ConfigProblem, Phrase
from agent.texts.phrases import problem_line


def one_problem(problem: ConfigProblem, *, hint: str | None = None, hint_phrase: Phrase | None = None) -> ConfigError:
    """A ConfigError of one finding: its English line as the message, the facts for other languages."""
    line = problem_line("en", problem)
    return ConfigError(line, problems=(line,), findings=(problem,), hint=hint, hint_phrase=hint_phrase)


# tomllib's own words, and the text key of each (a message not listed here reads "syntax error").
_TOML_SAYS: Mapping[str, str] = MappingProxyType(
    {
        "Cannot overwrite a value": "overwrite",
        "Expected '=' after a key in a key/value pair": "expected_equals",
        "Expected ']' at the end of a table declaration": "expected_bracket",
        "Expected ']]' at the end of an array declaration": "expected_brackets",
        "Invalid value": "invalid_value",
        "Invalid statement": "invalid_statement",
        "Unclosed array": "unclosed_array",
        "Unclosed inline table": "unclosed_table",
        "Unterminated string": "unterminated",
        "Invalid initial character for a key part": "invalid_key",
        "Invalid date or datetime": "invalid_date",
    }
)


def not_toml(path: Path, exc: tomllib.TOMLDecodeError) -> ConfigProblem:
    """The finding for a file tomllib cannot parse, at its line and column when tomllib names them."""
    # tomllib's message ends with "(at line L, column C)"; what comes before it is English only.
    at = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
    if at is None:
        return ConfigProblem(str(path), None, Phrase("config.not_toml", {"error": exc}))
    line, column = at.groups()
    said = str(exc)[: at.start()].strip()
    twice = re.fullmatch(r"Cannot declare (.+) twice", said)
    if twice is not None:
        detail = Phrase("config.toml.declared_twice", {"key": twice.group(1)})
    else:
        detail = Phrase(f"config.toml.{_TOML_SAYS.get(said, 'other')}")
    what = Phrase("config.not_toml_at", {"line": line, "column": column, "detail": detail})
    return ConfigProblem(f"{path}:{line}", None, what)
