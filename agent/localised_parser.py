"""The command line's argument parser, speaking the configured language in `--help` and its errors.

argparse prints help before any configuration is loaded, so `language_for_help` reads only the
`[agent] language` key of the file that `--config`, `$MARKETSYNC_CONFIG` or the default path names
(Polish when there is no file, it does not parse, or the key is missing). The commands declare
their help in English; `parser_class("pl")` gives a parser that looks every help text, group
title, metavar and argparse's own words up in `agent.texts.help_pl` as they are added.
"""

from __future__ import annotations

import argparse
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from agent.paths import default_config_path
from agent.texts import language_of
from agent.texts.help_pl import HELP_PL


def language_for_help(argv: Sequence[str]) -> str:
    """The configured language, read cheaply from the config file the arguments point at."""
    path: Path | None = None
    for i, token in enumerate(argv):
        if token == "--":
            break
        if token == "--config" and i + 1 < len(argv):
            path = Path(argv[i + 1]).expanduser()
        elif token.startswith("--config="):
            path = Path(token.removeprefix("--config=")).expanduser()
    try:
        document = tomllib.loads((path or default_config_path()).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return "pl"
    agent = document.get("agent")
    language = agent.get("language") if isinstance(agent, dict) else None
    return language_of(language) if isinstance(language, str) else "pl"


def _words(language: str) -> dict[str, str]:
    return HELP_PL if language == "pl" else {}


def _translated(words: dict[str, str], kwargs: dict[str, Any]) -> dict[str, Any]:
    for key in ("help", "description", "metavar", "title"):
        value = kwargs.get(key)
        if isinstance(value, str):
            kwargs[key] = words.get(value, value)
    return kwargs


def _named(words: dict[str, str], names: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """A value's placeholder in the language: argparse would show the bare name ("company", "COMPANY")."""
    if "metavar" in kwargs or not names or kwargs.get("action") is not None or "choices" in kwargs:
        return kwargs
    first = str(names[0])
    longest = max((str(n) for n in names), key=len)
    name = first if not first.startswith("-") else longest.lstrip("-").replace("-", "_").upper()
    if name in words:
        kwargs["metavar"] = name
    return kwargs


# Whole phrases of argparse's error messages, and of the commands' own value checks, worded as they are.
_ERROR_PHRASES = ("expected one argument", "must be 0 or more", "must be 1 or more", "must be between 0 and 1")


def _error_message(words: dict[str, str], message: str) -> str:
    for english, local in words.items():
        if english.endswith(": ") or english in _ERROR_PHRASES:
            message = message.replace(english, local)
    return message


def parser_class(language: str) -> type[argparse.ArgumentParser]:
    """An ArgumentParser subclass whose texts are in `language` (its subcommands' parsers too)."""
    words = _words(language_of(language))

    class HelpFormatter(argparse.HelpFormatter):
        def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
            super().add_usage(usage, actions, groups, words.get("usage: ", prefix) if prefix is None else prefix)

    class LocalisedParser(argparse.ArgumentParser):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("formatter_class", HelpFormatter)
            super().__init__(*args, **_translated(words, kwargs))

        def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
            # A positional without a metavar shows its name ("company"): that is a word too.
            return super().add_argument(*args, **_translated(words, _named(words, args, kwargs)))

        def add_argument_group(self, *args: Any, **kwargs: Any) -> Any:
            if args and isinstance(args[0], str):
                args = (words.get(args[0], args[0]), *args[1:])
            group = super().add_argument_group(*args, **_translated(words, kwargs))
            add_argument = group.add_argument

            def localised_add_argument(*names: Any, **options: Any) -> argparse.Action:
                action: argparse.Action = add_argument(*names, **_translated(words, _named(words, names, options)))
                return action

            group.add_argument = localised_add_argument  # type: ignore[method-assign]  # translate, then delegate
            return group

        def add_subparsers(self, **kwargs: Any) -> Any:
            action = super().add_subparsers(**_translated(words, kwargs))
            add_parser = action.add_parser

            def localised_add_parser(name: str, **options: Any) -> argparse.ArgumentParser:
                parser: argparse.ArgumentParser = add_parser(name, **_translated(words, options))
                return parser

            action.add_parser = localised_add_parser  # type: ignore[method-assign]  # translate, then delegate
            return action

        def error(self, message: str) -> NoReturn:
            self.print_usage()
            self.exit(2, f"{self.prog}: {words.get('error: ', 'error: ')}{_error_message(words, message)}\n")

    return LocalisedParser
