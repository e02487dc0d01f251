"""A yes/no question with its consequences spelled out (relinking, moving to another account, unlinking)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label


class ConfirmScreen(ModalScreen[bool]):
    """Modal; dismisses True only on the yes button (Escape and the default button say no)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "answer(False)", show=False)]
    DEFAULT_CSS = """
    ConfirmScreen #confirm-body { width: 100%; height: auto; }
    """

    def __init__(self, title: str, body: str, yes: str, no: str) -> None:
        super().__init__()
        self._title = title
        self._body = body
        self._yes = yes
        self._no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Label(self._title, classes="dialog-title")
            yield Label(self._body, id="confirm-body", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self._yes, variant="error", id="confirm-yes")
                yield Button(self._no, variant="primary", id="confirm-no")

    def on_mount(self) -> None:
        # The safe answer has the focus: Enter by habit changes nothing.
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
