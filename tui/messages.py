"""Textual messages that carry the runtime's events and log lines into the app's thread."""

from __future__ import annotations

from textual.message import Message

from agent.runtime.events import Event, replaces_key
from tui.logentry import LogEntry


class RuntimeEvent(Message):
    """One runtime event; progress of the same run and job collapses while queued."""

    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
        if not isinstance(message, RuntimeEvent):
            return False
        key = replaces_key(self.event)
        return key is not None and key == replaces_key(message.event)


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
