"""What an error says and what to do about it, in the operator's language (kept in `agent.texts.phrases`,
where a phrase's values that are errors are worded too)."""

from __future__ import annotations

from agent.texts.phrases import error_text, hint_for, message_for

__all__ = ["error_text", "hint_for", "message_for"]
