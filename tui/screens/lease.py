"""The confirmation when a company's lease is held: a live run (take over, run after it, cancel) or an
interrupted one (run, cancel), saying who held it, where, how, since when and the last heartbeat.

A live run that ends while the question is open takes the question with it: the dialog closes
with "released" (nothing to take over or wait for any more)."""

from __future__ import annotations

import os
import socket
from typing import ClassVar, Literal
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from agent.runtime.api import LeaseView
from tui.i18n import Texts
from tui.model import local_time

LeaseChoice = Literal["take_over", "after", "run", "cancel", "released"]


def lease_text(company: str, lease: LeaseView, texts: Texts, tz: ZoneInfo) -> str:
    """The facts of a held lease in the operator's words."""
    unknown = texts("lease.unknown")
    kind = texts("lease.kind_" + lease.kind) if lease.kind else unknown
    values = {
        "company": company,
        "kind": kind,
        "operator": lease.operator or unknown,
        "host": lease.host or unknown,
        "pid": lease.pid if lease.pid is not None else unknown,
        "since": local_time(lease.since, tz) if lease.since else unknown,
        "heartbeat": local_time(lease.heartbeat, tz, with_date=False) if lease.heartbeat else unknown,
    }
    if lease.state != "running":
        return texts("lease.interrupted", **values)
    if held_here(lease):
        return texts("lease.running_here", **values)
    return texts("lease.running", **values)


def held_here(lease: LeaseView) -> bool:
    """Whether the holder is this very process (a run the TUI itself started or fires), not another one."""
    return lease.pid == os.getpid() and lease.host == socket.gethostname()


class LeaseScreen(ModalScreen[LeaseChoice]):
    """Modal; dismisses with the operator's choice."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "choose('cancel')", show=False)]

    def __init__(self, company: str, lease: LeaseView, texts: Texts, tz: ZoneInfo) -> None:
        super().__init__()
        self._company = company
        self._lease = lease
        self._texts = texts
        self._tz = tz

    def compose(self) -> ComposeResult:
        t = self._texts
        running = self._lease.state == "running"
        with Vertical(id="lease-dialog", classes="dialog"):
            if not running:
                title = t("lease.title_interrupted")
            elif held_here(self._lease):
                title = t("lease.title_running_here")
            else:
                title = t("lease.title_running")
            yield Label(title, classes="dialog-title")
            yield Label(lease_text(self._company, self._lease, t, self._tz), id="lease-facts")
            yield Label(t("lease.question_running" if running else "lease.question_interrupted"), id="lease-question")
            with Horizontal(classes="dialog-buttons"):
                if running:
                    yield Button(t("lease.take_over"), variant="warning", id="lease-take_over")
                    yield Button(t("lease.after"), variant="primary", id="lease-after")
                else:
                    yield Button(t("lease.run"), variant="primary", id="lease-run")
                yield Button(t("lease.cancel"), id="lease-cancel")

    @property
    def company(self) -> str:
        """The company whose lease this asks about."""
        return self._company

    def lease_released(self) -> None:
        """The live run this asks about ended (its lease was released): the question no longer stands."""
        if self._lease.state == "running" and self.is_current:
            self.dismiss("released")

    def on_mount(self) -> None:
        self.query_one("#lease-cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        choice = (event.button.id or "lease-cancel").removeprefix("lease-")
        self.action_choose(choice)

    def action_choose(self, choice: str) -> None:
        allowed: tuple[LeaseChoice, ...] = ("take_over", "after", "run", "cancel")
        for option in allowed:
            if option == choice:
                self.dismiss(option)
                return
