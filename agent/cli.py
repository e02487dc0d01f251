"""The `marketsync` command: parses arguments, configures logging once, dispatches a subcommand.

This is the only place that picks adapters; the subcommands live in `agent.commands`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from agent.commands.common import print_error
from agent.domain import DEFAULT_TIMEZONE
from agent.errors import ConfigError, LeaseHeld, MarketsyncError
from agent.texts import text

# Every subcommand, in the order `--help` lists them, with its one-line help.
SUBCOMMANDS: dict[str, str] = {
    "config": "check and show the configuration",
    "erp": "the ERP: seed sample data, touch products (embedded ERP), show counts (embedded or Optima)",
    "optima": "a Comarch ERP Optima company: keep its SQL password in the keyring",
    "simulator": "run the local wszystko.pl simulator",
    "connect": "link a company to its wszystko.pl account",
    "disconnect": "unlink a company from its account and forget its tokens",
    "status": "connection, schedule and last run of every company",
    "sync": "run a sync of one company now",
    "run": "the headless service: run schedules until stopped",
    "runs": "run history and per-item outcomes",
    "tui": "the terminal UI",
    "demo": "a self-contained demo: simulator, three companies, the TUI",
}

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_BROKEN_PIPE = 141
"""What a shell reports for a command whose reader went away (128 + SIGPIPE), as `cat | head` does."""


def command_module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"agent.commands.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"agent.commands.{name}":
            return None
        raise


def build_parser(language: str = "pl") -> argparse.ArgumentParser:
    """The whole argument parser, with every subcommand, its help in `language`."""
    from agent.localised_parser import parser_class

    parser = parser_class(language)(
        prog="marketsync",
        description="Keeps an ERP and the wszystko.pl marketplace in step.",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="the configuration file (default: $MARKETSYNC_CONFIG, else the user config dir)",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="log DEBUG to the console")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in SUBCOMMANDS.items():
        module = command_module(name)
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        if module is not None:
            module.configure(cmd)
        else:
            cmd.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


def _setup_logging(args: argparse.Namespace, *, to_file: bool, quiet: bool = False) -> str:
    """Console always (warnings only when `quiet`); the daily log file too when the configuration can be read.

    Returns the configured time zone (the default one when the configuration was not read)."""
    from agent.commands.common import config_path_from_args
    from agent.config import load_config
    from agent.logs import setup_logging

    config = None
    if to_file:
        # A broken config is the command's to report; logging then goes to the console only.
        with contextlib.suppress(ConfigError):
            config = load_config(config_path_from_args(args))
    if config is None:
        setup_logging(None, verbose=args.verbose, console_quiet=quiet, language=getattr(args, "language", "pl"))
        return DEFAULT_TIMEZONE
    setup_logging(
        config.agent.log_dir,
        verbose=args.verbose,
        retention_days=config.agent.log_retention_days,
        json_lines=config.agent.log_json,
        timezone=config.agent.timezone,
        console_quiet=quiet,
        language=config.agent.language,
    )
    return config.agent.timezone


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader (`| head`) has gone: stop quietly. Whatever is still buffered for stdout goes
        # to /dev/null, so the interpreter's final flush does not print a traceback either.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def config_first(argv: Sequence[str]) -> list[str]:
    """`argv` with `--config PATH` moved before the subcommand, wherever it was given (the last one wins).

    So `marketsync sync A --config x.toml` works as `marketsync --config x.toml sync A`, for every
    subcommand and sub-subcommand alike; nothing after `--` is touched.
    """
    rest: list[str] = []
    chosen: list[str] = []
    tokens = list(argv)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == "--":
            rest.extend(tokens[i:])
            break
        if token == "--config" and i + 1 < len(tokens):
            chosen = [token, tokens[i + 1]]
            i += 2
            continue
        if token.startswith("--config="):
            chosen = [token]
        else:
            rest.append(token)
        i += 1
    return chosen + rest


def _main(argv: Sequence[str] | None) -> int:
    from agent.localised_parser import language_for_help

    arguments = config_first(sys.argv[1:] if argv is None else argv)
    language = language_for_help(arguments)
    parser = build_parser(language)
    args = parser.parse_args(arguments)
    args.language = language
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    module = command_module(args.command)
    # A read-only command (config check) leaves no log files behind. A command that prints its own
    # progress in the operator's language (sync) leaves the log's lines to the file.
    zone = _setup_logging(
        args, to_file=getattr(module, "LOGS_TO_FILE", True), quiet=getattr(module, "CONSOLE_QUIET", False)
    )
    if module is None:
        print(text(language, "cli.not_built", command=args.command), file=sys.stderr)
        return EXIT_USAGE
    company: str | None = getattr(args, "company", None)
    try:
        code: int = module.run(args)
    except ConfigError as exc:
        from agent.texts.hints import hint_for
        from agent.texts.phrases import problem_lines

        # The configuration may be what is broken: its findings are worded in the language --help used.
        for problem in problem_lines(language, exc.problems, exc.findings):
            print(text(language, "cli.error", message=problem), file=sys.stderr)
        if exc.hint_phrase is not None:  # a hint of its own says what to do; the class's is config check
            print(text(language, "cli.hint", hint=hint_for(language, exc, company)), file=sys.stderr)
        return EXIT_USAGE
    except LeaseHeld as exc:
        # Another process holds what this one needs (a second `marketsync run`): refused, not failed.
        print_error(language, exc, company, zone)
        return EXIT_REFUSED
    except MarketsyncError as exc:
        print_error(language, exc, company, zone)
        return 1
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    raise SystemExit(main())
