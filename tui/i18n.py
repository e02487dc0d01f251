"""Every text the TUI shows, in Polish (the default, the seed's words) and English.

`Texts(language)("key", name=value)` formats one entry. A key missing from the chosen language
falls back to the key itself and is remembered in `Texts.missing`, so a test that renders every
screen can assert that nothing was missing; `CATALOGUE` keeps both languages with the same keys
(a test checks that too).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from agent.texts.clock import DEFAULT_ZONE
from agent.texts.phrases import error_text
from tui.texts_en import EN
from tui.texts_pl import PL

Language = Literal["pl", "en"]


CATALOGUE: Mapping[Language, Mapping[str, str]] = {"pl": PL, "en": EN}


class Texts:
    """The texts of one language; calling it formats one entry."""

    def __init__(self, language: Language = "pl") -> None:
        self.language: Language = language
        self._entries = CATALOGUE[language]
        self.missing: set[str] = set()
        """Keys asked for that the catalogue lacks (shown as the key itself)."""

    def error(self, error: BaseException, zone: str = DEFAULT_ZONE) -> str:
        """An error of the agent as a person reads it here: its message and hint in this language."""
        return error_text(self.language, error, zone=zone)

    def __call__(self, key: str, /, **values: object) -> str:
        entry = self._entries.get(key)
        if entry is None:
            self.missing.add(key)
            return key
        return entry.format(**values) if values else entry
