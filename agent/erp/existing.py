"""Opening a company database that must already exist.

Only `erp seed` and the demo create a company database. Every run and command that reads one
goes through `open_existing`: a misspelt or deleted path is an error naming it, never a fresh
empty database (an empty database would make the next sync end every live offer).
"""

from __future__ import annotations

from pathlib import Path

from agent.erp.sqlite import SqliteErp
from agent.errors import ConfigError, ConfigProblem, Phrase
from agent.texts.phrases import problem_line


class MissingDatabase(ConfigError):
    """The configured company database file does not exist (exit 2, nothing sent)."""


def missing_database_finding(company: str, path: Path) -> ConfigProblem | None:
    """The problem, as facts, when `path` is not an existing file, else None."""
    if path.is_file():
        return None
    return ConfigProblem(str(path), None, Phrase("config.missing_database_file", {"company": company}))


def require_database(company: str, path: Path) -> None:
    """Raise MissingDatabase when the company's database file is not there."""
    found = missing_database_finding(company, path)
    if found is not None:
        line = problem_line("en", found)
        raise MissingDatabase(
            line,
            problems=(line,),
            findings=(found,),
            hint="the agent never creates a company database by itself",
            hint_phrase=Phrase("config.missing_database_file_hint"),
        )


async def open_existing(company: str, path: Path, *, check: bool = True) -> SqliteErp:
    """The company database as the ERP port; raises MissingDatabase when the file is absent."""
    require_database(company, path)
    return await SqliteErp.open(path, check=check)
