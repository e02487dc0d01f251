"""`marketsync demo`: until the full demo (simulator + three companies + TUI) exists, show what does.

The full demo arrives with the terminal UI; this prints the commands that work today and a
walk-through that uses them, so `make demo` is useful from the first commit.
"""

from __future__ import annotations

import argparse

HELP = "a self-contained demo: simulator, three companies, the TUI"
LOGS_TO_FILE = False

WALKTHROUGH = """\
Try it by hand meanwhile (each command's --help says more):
  .venv/bin/marketsync --config config.example.toml config check
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--headless", action="store_true", help="run the service and print events, no TUI")
    parser.add_argument("--home", metavar="DIR", help="the demo's home folder")


def run(args: argparse.Namespace) -> int:
    from agent.cli import SUBCOMMANDS, command_module

    built = [name for name in SUBCOMMANDS if name != "demo" and command_module(name) is not None]
    missing = [name for name in SUBCOMMANDS if name != "demo" and name not in built]
    print("The full marketsync demo (simulator, three companies, the terminal UI) is not built yet.")
    print("Commands that work today:")
    for name in built:
        print(f"  marketsync {name:<11} {SUBCOMMANDS[name]}")
    if missing:
        print("Still to come: " + ", ".join(missing))
    print()
    print(WALKTHROUGH)
    return 0
