"""A screen made once and kept installed: reopening it costs no compose, so its key answers at once.

The app installs each management screen on first use and pushes the same instance afterwards. A
kept screen reads its data again on every `ScreenResume` (each time it is shown), and `select`
tells it which company the dashboard had selected before it is shown.
"""

from __future__ import annotations

from textual.screen import Screen


class KeptScreen(Screen[None]):
    preferred: str | None = None
    """The company to show first (the dashboard's selection when the screen was opened)."""
    reads: int = 0
    """The reads of its data finished and shown (a screen that reads counts them; tests and benchmarks wait on it)."""

    def select(self, company: str | None) -> None:
        """Show `company` first when next shown (ignored when the screen does not know it)."""
        self.preferred = company
