"""One language, end to end: the main commands, each in a process of its own as a person runs them.

A demo installation (three seeded companies linked to the simulator on loopback) is set to Polish
or English; then `config check`, `status`, `sync` against the simulator, `runs`, `runs show`,
`erp stats`, `connect` without a terminal, `run --once`, `disconnect`, a few refusals and `--help` of every
subcommand run as `python -m agent`. In Polish nothing they print may hold a common English word;
in English nothing may hold a Polish letter. Data is not words: file paths, quoted values of the
configuration and item keys are left out before looking.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from agent.cli import SUBCOMMANDS
from agent.commands.demo_home import populate, prepare_files
from agent.simulator import SimulatorSettings, run_simulator_in_thread
from tests.texts.denylist import COMMON_ENGLISH

ENGLISH_WORDS = (*COMMON_ENGLISH, "usage", "options", "since", "utc")
POLISH_LETTERS = "ąęłóśźżćńĄĘŁÓŚŹŻĆŃ"
SUB_SUBCOMMANDS = {"config": ["check"], "erp": ["seed", "touch", "stats"], "optima": ["set-password"]}
COMPANY = "Ogrodnik"


@dataclass(frozen=True, slots=True)
class Said:
    """What one command printed, both streams, and how it ended."""

    command: str
    code: int
    out: str


@dataclass
class Installation:
    home: Path
    config: Path

    def run(self, *words: str) -> Said:
        # No MARKETSYNC_* from the outside: the installation is the one its config names.
        env = {k: v for k, v in os.environ.items() if not k.startswith("MARKETSYNC")}
        done = subprocess.run(
            [sys.executable, "-m", "agent", "--config", str(self.config), *words],
            check=False,
            env=env,
            cwd=self.home,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=300,
        )
        return Said(" ".join(words), done.returncode, done.stdout + done.stderr)


def _installation(root: Path, language: str) -> Iterator[Installation]:
    settings = SimulatorSettings(port=0, auto_consent=True, requests_per_minute=0, poll_interval=1)
    with run_simulator_in_thread(settings) as sim:
        home = root / language
        config = prepare_files(home, sim.base_url)
        config.path.write_text(
            config.path.read_text(encoding="utf-8").replace('language = "pl"', f'language = "{language}"'),
            encoding="utf-8",
        )
        asyncio.run(populate(config, products=25, say=lambda line: None))
        yield Installation(home, config.path)


@pytest.fixture(scope="module")
def polish(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installation]:
    yield from _installation(tmp_path_factory.mktemp("e2e"), "pl")


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installation]:
    yield from _installation(tmp_path_factory.mktemp("e2e"), "en")


def _session(place: Installation) -> list[Said]:
    """The commands a person runs on a working installation, in order; each one's output."""
    said = [place.run("config", "check"), place.run("status"), place.run("sync", COMPANY)]
    assert said[-1].code in (0, 1), said[-1]
    said.append(place.run("runs"))
    ids = re.findall(r"^(\d+) ", said[-1].out, re.MULTILINE)
    assert ids, said[-1]
    said += [
        place.run("runs", "show", ids[0]),
        place.run("runs", "show", ids[0], "--all"),
        place.run("runs", COMPANY),
        place.run("erp", "stats", "--company", COMPANY),
        place.run("status"),
        place.run("connect", COMPANY),  # linked already, and no terminal to ask: it refuses
        place.run("run", "--once"),  # every enabled company once, then the service's event lines end
        place.run("runs", "show", "999"),
        place.run("sync", "Piekarnia"),  # no such company
        place.run("erp", "touch", "--company", COMPANY, "--percent", "500"),
        place.run("disconnect", "Hurtownia Budmax"),  # no terminal to ask: it refuses
        place.run("disconnect", "Hurtownia Budmax", "--yes"),
        place.run("status"),
    ]
    return said


def _helps(place: Installation) -> list[Said]:
    helps = [[name] for name in SUBCOMMANDS] + [[n, a] for n, actions in SUB_SUBCOMMANDS.items() for a in actions]
    return [place.run("--help")] + [place.run(*words, "--help") for words in helps]


def _read(said: Said, place: Installation) -> str:
    """The words a person reads: without paths, option names, typed commands, quoted values, item keys."""
    shown = said.out.replace(str(place.home), " ")
    shown = re.sub(r"`[^`]*`", " ", shown)
    shown = re.sub(r"marketsync [a-z ]+", " ", shown)
    shown = re.sub(r"--?[a-z][a-z-]*", " ", shown)
    shown = re.sub(r"^\s*\[+[a-z_.]+\]+\s*$", " ", shown, flags=re.MULTILINE)  # TOML as written: syntax
    shown = re.sub(r"^\s*[a-zA-Z_]+ = .*$", " ", shown, flags=re.MULTILINE)
    shown = re.sub(r'"[^"]*"', " ", shown)
    shown = re.sub(r"\b(offer|order|product):\S+", " ", shown)
    shown = re.sub(r"https?://\S+", " ", shown)
    shown = re.sub(r"/\S+", " ", shown)
    # the commands' names where --help lists them
    names = "|".join(sorted(SUBCOMMANDS) + sorted({a for actions in SUB_SUBCOMMANDS.values() for a in actions}))
    shown = re.sub(rf"^\s+({names})\b", " ", shown, flags=re.MULTILINE)
    return shown


def _english_in(said: Said, place: Installation) -> list[str]:
    read = _read(said, place).lower()
    return [word for word in ENGLISH_WORDS if word in read]


def _polish_in(said: Said, place: Installation) -> list[str]:
    read = _read(said, place)
    # the sync options name the seed's Polish buttons on purpose, in brackets
    read = re.sub(r"\([^)]*\)", " ", read) if said.command.endswith("--help") else read
    return [c for c in read if c in POLISH_LETTERS]


def _report(found: dict[str, tuple[list[str], str]]) -> str:
    return "\n\n".join(f"$ marketsync {command}: {words}\n{out}" for command, (words, out) in found.items())


def test_in_polish_no_command_prints_an_english_word(polish: Installation) -> None:
    said = _session(polish) + _helps(polish)
    found = {s.command: (words, s.out) for s in said if (words := _english_in(s, polish))}
    assert found == {}, _report(found)


def test_in_english_no_command_prints_a_polish_letter(english: Installation) -> None:
    said = _session(english) + _helps(english)
    found = {s.command: (letters, s.out) for s in said if (letters := _polish_in(s, english))}
    assert found == {}, _report(found)
