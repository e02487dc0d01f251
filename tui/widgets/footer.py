"""The key bar at the bottom, rebuilt only when the keys it shows change.

Textual's footer recomposes (a dozen widgets mounted and styled, 10-25 ms) whenever the bindings
of its screen may have changed: each time focus moves and each time the dashboard comes back from
another screen, which is every Escape. The dashboard's shown keys rarely change, so most of those
rebuilds drew the same bar again while the operator's next key waited.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

Shown = tuple[tuple[str, str, str, bool, str], ...]


def shown_keys(screen: Screen[object]) -> Shown:
    """What a footer over `screen` would show: key, action, description, enabled, tooltip."""
    return tuple((binding.key, binding.action, binding.description, enabled, tooltip)
                 for _, binding, enabled, tooltip in screen.active_bindings.values() if binding.show)


class SteadyFooter(Footer):
    """A `Footer` that skips the rebuild when the shown keys are the ones it already shows."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: Shown | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        # The same conditions as Footer's for a rebuild; only then is what it shows known.
        rebuilds = screen.app.app_focus and self.is_attached and screen is self.screen
        if rebuilds:
            shown = shown_keys(screen)
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)
