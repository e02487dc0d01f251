"""Asked before quitting while a run is going: quitting interrupts it (the next run resumes it)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from tui.i18n import Texts


class QuitScreen(ModalScreen[bool]):
    """Modal; dismisses True to quit."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "answer(False)", show=False),
        Binding("y,t", "answer(True)", show=False),
    ]

    def __init__(self, texts: Texts, running: tuple[str, ...]) -> None:
        super().__init__()
        self._texts = texts
        self._companies = running

    def compose(self) -> ComposeResult:
        t = self._texts
        with Vertical(id="quit-dialog", classes="dialog"):
            yield Label(t("quit.title"), classes="dialog-title")
            yield Label(t("quit.running", companies=", ".join(self._companies)))
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("quit.yes"), variant="error", id="quit-yes")
                yield Button(t("quit.no"), variant="primary", id="quit-no")

    def on_mount(self) -> None:
        self.query_one("#quit-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "quit-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
