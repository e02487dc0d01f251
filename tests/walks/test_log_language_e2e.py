"""One language in the log and the error lines, end to end, with things going wrong.

A demo installation (three seeded companies linked to the simulator on loopback) in Polish or
English runs `sync` (verbose, so its log lines reach the console), `run --once`, a sync of a
disconnected company, a sync of a company whose database is damaged, and, with the simulator
stopped, `sync` and `run --once` again. The log lines on the console, every line of the daily
log file and the error lines (`błąd:` / `wskazówka:`) must be in the installation's language: in
Polish no common English word, in English no Polish letter. The JSON lines keep the English
message with the line's key, its facts and the time in UTC.

Data is not words: paths, quoted values, URLs, item keys and exception class names are left out.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from agent.commands.demo_home import populate, prepare_files
from agent.config import Config
from agent.simulator import SimulatorSettings, run_simulator_in_thread
from agent.texts import text
from tests.texts.denylist import COMMON_ENGLISH, POLISH_LETTERS

ENGLISH_WORDS = (
    *COMMON_ENGLISH, "started", "finished", "stopped", "lease", "database", "answer", "marketplace", "token",
    "imported", "created", "linked", "not ", "cannot", "attempt", "damaged",
)
ALL_POLISH_LETTERS = POLISH_LETTERS + POLISH_LETTERS.upper()
LOG_LINE = re.compile(r"^\d\d:\d\d:\d\d [+-]\d\d:\d\d (DEBUG|INFO|WARNING|ERROR|UWAGA|BŁĄD)\s")
"""A console log line: the time in the configured zone with its offset, then the level."""


@dataclass(frozen=True, slots=True)
class Said:
    command: str
    out: str


@dataclass(frozen=True, slots=True)
class Session:
    language: str
    home: Path
    config: Config
    said: tuple[Said, ...]

    def log_files(self, suffix: str) -> str:
        return "".join(p.read_text(encoding="utf-8") for p in sorted(self.config.agent.log_dir.glob(f"*{suffix}")))


def _run(home: Path, config: Path, *words: str) -> Said:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARKETSYNC")}
    done = subprocess.run(
        [sys.executable, "-m", "agent", "--config", str(config), *words],
        check=False,
        env=env,
        cwd=home,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    return Said(" ".join(words), done.stdout + done.stderr)


def _session(root: Path, language: str) -> Session:
    home = root / language
    settings = SimulatorSettings(port=0, auto_consent=True, requests_per_minute=0, poll_interval=1)
    with run_simulator_in_thread(settings) as sim:
        config = prepare_files(home, sim.base_url)
        written = config.path.read_text(encoding="utf-8").replace('language = "pl"', f'language = "{language}"')
        config.path.write_text(written.replace("[agent]\n", "[agent]\nlog_json = true\n", 1), encoding="utf-8")
        asyncio.run(populate(config, products=10, say=lambda line: None))
        said = [
            _run(home, config.path, "--verbose", "sync", "Ogrodnik"),
            _run(home, config.path, "run", "--once"),
            _run(home, config.path, "disconnect", "Hurtownia Budmax", "--yes"),
            _run(home, config.path, "sync", "Hurtownia Budmax"),
        ]
        damaged = next(c for c in config.companies if c.name == "Sklep Rowerowy").database
        damaged.write_bytes(b"this is no database at all" * 100)
        said.append(_run(home, config.path, "sync", "Sklep Rowerowy"))
    # The simulator is gone: nothing answers on its port any more.
    said += [_run(home, config.path, "--verbose", "sync", "Ogrodnik"), _run(home, config.path, "run", "--once")]
    return Session(language, home, config, tuple(said))


@pytest.fixture(scope="module")
def polish(tmp_path_factory: pytest.TempPathFactory) -> Session:
    return _session(tmp_path_factory.mktemp("logs"), "pl")


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Session:
    return _session(tmp_path_factory.mktemp("logs"), "en")


def _words(line: str, session: Session) -> str:
    """The words a person reads on a line: without paths, quoted values, URLs, item keys, class names."""
    shown = line.replace(str(session.home), " ")
    shown = re.sub(r"`[^`]*`", " ", shown)
    shown = re.sub(r'"[^"]*"|\u201e[^\u201d]*\u201d|\u201c[^\u201d]*\u201d', " ", shown)
    shown = re.sub(r"https?://\S+", " ", shown)
    shown = re.sub(r"(GET|POST|PUT|DELETE) /\S+", " ", shown)
    shown = re.sub(r"/\S+", " ", shown)
    shown = re.sub(r"\b(offer|order|product|job):\S+", " ", shown)
    shown = re.sub(r"\b[A-Z][A-Za-z]+(Error|Timeout)\b", " ", shown)
    shown = re.sub(r"\(SQLite: [^)]*\)", " ", shown)
    shown = re.sub(r"\b(DEBUG|INFO)\b", " ", shown)  # the same word in both languages
    return re.sub(r"\bmarketsync [a-z ]+", " ", shown)


def _person_lines(session: Session) -> Iterator[tuple[str, str]]:
    """(where, line) for each line a person reads that is checked: console log lines, error lines, the log file."""
    lead = text(session.language, "cli.error", message="")
    hint = text(session.language, "cli.hint", hint="")
    for said in session.said:
        for line in said.out.splitlines():
            if LOG_LINE.match(line) or line.startswith((lead, hint)):
                yield said.command, line
    for line in session.log_files(".log").splitlines():
        fields = line.split(" | ", maxsplit=4)
        if len(fields) == 5:
            # The level and the message (the module's name is code, the company a name).
            yield "log file", f"{fields[1].strip()} {fields[4]}"


def _english_in(line: str, session: Session) -> list[str]:
    read = _words(line, session).lower()
    return [word for word in ENGLISH_WORDS if word in read]


def test_polish_log_and_error_lines_hold_no_english_word(polish: Session) -> None:
    lines = list(_person_lines(polish))
    found = [(where, line, words) for where, line in lines if (words := _english_in(line, polish))]
    assert found == [], "\n".join(f"{where}: {words}: {line}" for where, line, words in found)
    # The session did what it is for: lines of a run, of the failures and of the errors are there.
    read = "\n".join(line for _, line in lines)
    for expected in ("przebieg", "wszystko.pl nie odpowiada", "uszkodzona", "konta nie da się użyć", "błąd: "):
        assert expected in read, expected


def test_english_log_and_error_lines_hold_no_polish_letter(english: Session) -> None:
    lines = list(_person_lines(english))
    found = [(where, line) for where, line in lines if any(c in ALL_POLISH_LETTERS for c in _words(line, english))]
    assert found == [], "\n".join(f"{where}: {line}" for where, line in found)
    read = "\n".join(line for _, line in lines)
    for expected in ("run ", "the marketplace did not answer", "is damaged", "the account cannot be used"):
        assert expected in read, expected


def test_times_in_the_human_sinks_are_local_with_their_offset(polish: Session) -> None:
    stamps = re.findall(r"^(\S+ \S+ \S+) \|", polish.log_files(".log"), re.MULTILINE)
    assert stamps
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \+0[12]:00", stamp) for stamp in stamps), stamps[:3]


def test_json_lines_keep_the_english_message_the_key_the_facts_and_utc(polish: Session) -> None:
    records = [json.loads(line)["record"] for line in polish.log_files(".jsonl").splitlines() if line.strip()]
    keyed = [r for r in records if "key" in r["extra"]]
    assert keyed
    failed = [r for r in keyed if r["extra"]["key"] == "log.run.job_failed"]
    assert failed, sorted({r["extra"]["key"] for r in keyed})
    first = failed[0]
    assert first["message"].startswith("job orders failed: GET /me/sales: the marketplace did not answer")
    assert first["extra"]["facts"]["job"] == "orders"
    assert first["extra"]["utc"].endswith("+00:00")
    # Machine lines stay English: not one Polish letter in a keyed message.
    assert not [r["message"] for r in keyed if any(c in ALL_POLISH_LETTERS for c in r["message"])]
