"""Textual messages that carry the runtime's events and log lines into the app's thread."""

from __future__ import annotations

import asyncio

from textual.message import Message

from agent.runtime.events import Event
from tui.logentry import LogEntry


class RuntimeEvents(Message):
    """The runtime's events queued since the last batch, in order.

    The app takes them a batch at a time: while it redraws, the bus keeps coalescing progress of
    the same run and job, so a flood of progress costs one row update per run, not one per event.
    """

    def __init__(self, events: tuple[Event, ...], handled: asyncio.Event) -> None:
        super().__init__()
        self.events = events
        self.handled = handled
        """Set by the app once the batch is shown; the reader waits for it before reading more."""


class EventsDropped(Message):
    """The bus dropped events for us: the dashboard must be read again from a snapshot."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count


class LogLine(Message):
    """A log record (from the loguru sink the app installs), posted from any thread."""

    def __init__(self, entry: LogEntry) -> None:
        super().__init__()
        self.entry = entry
