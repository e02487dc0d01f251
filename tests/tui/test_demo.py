"""`marketsync demo --headless`: a real process that prepares its home, runs the service, prints
events, stops cleanly on Ctrl-C, touches nothing outside its home, and reuses the home next time."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import tomllib
from pathlib import Path

from agent.commands.demo_home import COMPANIES


def start(home: Path) -> tuple[subprocess.Popen[str], queue.Queue[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "agent", "demo", "--headless", "--home", str(home), "--products", "10"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    return process, lines


def wait_for(lines: queue.Queue[str], text: str, seen: list[str]) -> None:
    """Read lines until one contains `text` (each read waits at most 60 s: a bound, not a timing check)."""
    while True:
        try:
            line = lines.get(timeout=60)
        except queue.Empty:
            raise AssertionError(f"never printed {text!r}; printed:\n" + "\n".join(seen)) from None
        seen.append(line)
        if text in line:
            return


# What the headless demo prints when its service is up, and when it has stopped, in each language.
STARTED = {"pl": ("Usługa działa", "usługa działa"), "en": ("Service running", "service running")}
STOPPED = {"pl": "usługa zatrzymana", "en": "service stopped"}


def run_once(home: Path, language: str = "pl") -> list[str]:
    process, lines = start(home)
    seen: list[str] = []
    try:
        for said in STARTED[language]:
            wait_for(lines, said, seen)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0, "\n".join(seen)
        wait_for(lines, STOPPED[language], seen)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return seen


def test_the_headless_demo_prepares_its_home_and_a_second_start_reuses_it(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    printed = run_once(home)
    text = "\n".join(printed)
    for name, _, _ in COMPANIES:
        assert f"{name}: produkty: 10 w " in text
        assert f"{name}: konto połączone" in text
        assert f"{name}: pobrano kategorie i warunki (sukces)" in text
        assert f"{name}: połączenie: połączono" in text
    # Only the demo's own steps, in Polish: the log's English lines go to the demo's files.
    assert not [line for line in printed if " INFO " in line or " finished: " in line or "categories;" in line]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo"]  # nothing outside the home
    assert sorted(p.name for p in (home / "companies").glob("*.sqlite")) == [
        "budmax.sqlite", "ogrodnik.sqlite", "rowery.sqlite"]
    assert list((home / "logs").iterdir())
    config = home / "config.toml"
    first = tomllib.loads(config.read_text(encoding="utf-8"))
    assert [c["name"] for c in first["company"]] == ["Ogrodnik", "Sklep Rowerowy", "Hurtownia Budmax"]
    assert all(c["schedule"]["enabled"] and c["schedule"]["every_minutes"] <= 2 for c in first["company"])

    # The operator's edits survive a second start; only the simulator's address changes.
    config.write_text(config.read_text(encoding="utf-8").replace('language = "pl"', 'language = "en"'),
                      encoding="utf-8")
    printed = run_once(home, "en")
    assert "Ogrodnik: categories and terms fetched (success)" in "\n".join(printed)
    second = tomllib.loads(config.read_text(encoding="utf-8"))
    assert second["agent"]["language"] == "en"
    assert second["company"] == first["company"]
    assert second["marketplace"]["base_url"].startswith("http://127.0.0.1:")


def test_marketsync_tui_reports_a_missing_config_and_stays_out_of_the_terminal(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    done = subprocess.run([sys.executable, "-m", "agent", "--config", str(missing), "tui"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert str(missing) in done.stderr
    assert "\x1b[?1049h" not in done.stdout  # the full-screen UI never started
