"""A checkbox whose mark reads without colour: "X" when ticked, blank when not.

Textual's checkbox draws "X" either way and tells the states apart by colour only, which a
monochrome terminal, a screen reader or a captured screen cannot see.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox


class Tick(Checkbox):
    def render(self) -> Content:
        # An instance attribute shadows the class's, so each box shows its own state; the button's
        # drawing reads BUTTON_INNER when the widget renders.
        self.BUTTON_INNER = "X" if self.value else " "
        return super().render()
