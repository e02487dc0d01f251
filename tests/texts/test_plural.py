"""The agent's text catalogue: Polish plural forms, English one/other, both tables complete."""

from __future__ import annotations

import re

import pytest

from agent.texts import en, pl, plural, plural_category, text


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "0 błędów"),
        (1, "1 błąd"),
        (2, "2 błędy"),
        (3, "3 błędy"),
        (4, "4 błędy"),
        (5, "5 błędów"),
        (11, "11 błędów"),
        (12, "12 błędów"),
        (14, "14 błędów"),
        (21, "21 błędów"),
        (22, "22 błędy"),
        (104, "104 błędy"),
        (112, "112 błędów"),
    ],
)
def test_polish_errors_take_the_right_form(n: int, expected: str) -> None:
    assert plural("pl", n, "errors") == expected


@pytest.mark.parametrize(("n", "expected"), [(0, "0 errors"), (1, "1 error"), (2, "2 errors"), (21, "21 errors")])
def test_english_errors_are_one_or_other(n: int, expected: str) -> None:
    assert plural("en", n, "errors") == expected


def test_unknown_language_falls_back_to_polish() -> None:
    assert plural_category("de", 3) == "few"
    assert text("de", "runs.none") == pl.TEXTS["runs.none"]


def _base_keys(table: dict[str, str]) -> set[str]:
    return {re.sub(r"\.(one|few|many|other)$", "", key) for key in table}


def test_both_languages_have_every_text() -> None:
    assert _base_keys(pl.TEXTS) == _base_keys(en.TEXTS)
    counted = {key.rsplit(".", 1)[0] for key in pl.TEXTS if key.endswith(".few")}
    for key in counted:
        assert {f"{key}.one", f"{key}.few", f"{key}.many"} <= pl.TEXTS.keys()
        assert {f"{key}.one", f"{key}.other"} <= en.TEXTS.keys()


def test_placeholders_match_between_languages() -> None:
    for key, sentence in pl.TEXTS.items():
        if key in en.TEXTS:
            assert set(re.findall(r"\{(\w+)", sentence)) == set(re.findall(r"\{(\w+)", en.TEXTS[key])), key
