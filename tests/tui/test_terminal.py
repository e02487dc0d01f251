"""A real terminal: tmux runs `marketsync demo`, and the test reads the screen as a person would.

It waits for the dashboard, presses `s`, checks the "Wymiana danych" window, closes it, quits and
sees the process end by itself. Skipped (with the reason) where tmux is not installed.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (CI installs it)")


class Tmux:
    """One private tmux server (its own socket) with one session."""

    def __init__(self) -> None:
        self.socket = f"marketsync-test-{uuid.uuid4().hex[:8]}"

    def __call__(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], check=False, capture_output=True, text=True,
                              timeout=10)
        return done.stdout

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "demo")

    def wait_for(self, seen: Callable[[str], bool], *, at_most: float = 90.0) -> str:
        """The screen once `seen` holds; fails with the last screen after `at_most` seconds."""
        import time

        deadline = time.monotonic() + at_most
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if seen(screen):
                return screen
            time.sleep(0.2)
        raise AssertionError("never seen; the screen was:\n" + screen)


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    server = Tmux()
    yield server
    server("kill-server")


def test_the_demo_in_a_real_terminal(tmux: Tmux, tmp_path: Path) -> None:
    # COLUMNS and LINES (set by some test runners) would override the pane's real size.
    command = shlex.join(["env", "-u", "COLUMNS", "-u", "LINES", sys.executable, "-m", "agent", "demo",
                          "--home", str(tmp_path / "demo"), "--products", "20"])
    # The shell says how the demo ended and keeps the pane open so the test can read it.
    tmux("new-session", "-d", "-s", "demo", "-x", "160", "-y", "45", f"{command}; echo DEMO-EXITED $?; sleep 60")

    dashboard = tmux.wait_for(lambda s: "Połączono" in s and "Hurtownia Budmax" in s)
    for what in ("Firma", "Ogrodnik", "Sklep Rowerowy", "Harmonogram obsługuje ten program", "Wymiana danych"):
        assert what in dashboard

    tmux("send-keys", "-t", "demo", "s")
    window = tmux.wait_for(lambda s: "Wyślij ofertę" in s)
    for what in ("Wymiana danych", "▐X▌ Wyślij ofertę", "▐X▌ Pobierz zamówienia", "▐ ▌ Wyślij tylko zasoby",
                 "▐ ▌ Wyślij tylko ceny", "▐ ▌ Pobierz kategorie i warunki", "▐ ▌ Wymuś pełną synchronizację oferty",
                 "▐ ▌ Wyślij wszystkie dane binarne", "Przejdź do harmonogramu", "Start", "Ogrodnik"):
        assert what in window

    tmux("send-keys", "-t", "demo", "Escape")
    tmux.wait_for(lambda s: "Wyślij ofertę" not in s)
    tmux("send-keys", "-t", "demo", "q")
    ended = tmux.wait_for(lambda s: "DEMO-EXITED" in s or "Zakończyć program?" in s, at_most=30)
    if "Zakończyć program?" in ended:  # a scheduled run was going: say yes
        tmux("send-keys", "-t", "demo", "t")
        ended = tmux.wait_for(lambda s: "DEMO-EXITED" in s, at_most=30)
    assert "DEMO-EXITED 0" in ended
