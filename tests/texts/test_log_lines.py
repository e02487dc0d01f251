"""Log lines a person reads, in the configured language; the machine log stays English with the facts.

`say(level, key, **facts)` through real sinks (console, daily file, JSON lines), and the catalogue of
log lines: every key the agent logs exists in both languages, with the same places to fill.
"""

from __future__ import annotations

import io
import json
import re
import string
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from loguru import logger

from agent.errors import At, Count, MarketplaceUnavailable, Phrase
from agent.logs import say, setup_logging
from agent.texts import errors_en, errors_pl, log_en, log_pl
from agent.texts.phrases import joined
from tests.texts.denylist import COMMON_ENGLISH, POLISH_LETTERS

AGENT = Path(__file__).resolve().parents[2] / "agent"
TUI = AGENT.parent / "tui"


def _sinks(tmp_path: Path, language: str) -> Iterator[tuple[Path, io.StringIO]]:
    console = io.StringIO()
    setup_logging(tmp_path / "logs", verbose=True, json_lines=True, console_stream=console, language=language,
                  timezone="Europe/Warsaw")
    yield tmp_path / "logs", console
    logger.remove()


@pytest.fixture
def polish(tmp_path: Path) -> Iterator[tuple[Path, io.StringIO]]:
    yield from _sinks(tmp_path, "pl")


@pytest.fixture
def english(tmp_path: Path) -> Iterator[tuple[Path, io.StringIO]]:
    yield from _sinks(tmp_path, "en")


def _unavailable() -> MarketplaceUnavailable:
    return MarketplaceUnavailable(
        "orders page 1: no answer (ConnectError)",
        phrase=Phrase("err.no_answer", {"call": Phrase("err.call", {"method": "GET", "path": "/me/sales"}),
                                        "kind": "ConnectError"}),
    )


def _say_a_run() -> None:
    say("INFO", "log.run.started", company="Ogrodnik", id=7, trigger=Phrase("log.trigger.manual"), operator="ADMIN",
        jobs=joined([Phrase("job.orders"), Phrase("job.offers")], ", "))
    say("ERROR", "log.run.job_failed", company="Ogrodnik", job=Phrase("job.orders"), error=_unavailable())
    say("INFO", "log.history.pruned", runs=Count(3, "n.run"), days=30)
    say("INFO", "log.accounts.linked", company="Ogrodnik", account="sklep@example.pl",
        until=At(datetime(2026, 7, 1, 10, 0, tzinfo=UTC)))


def _read(log_dir: Path, suffix: str) -> str:
    logger.complete()
    return "".join(p.read_text(encoding="utf-8") for p in sorted(log_dir.glob(f"*{suffix}")))


def test_in_polish_the_console_and_the_file_read_polish(polish: tuple[Path, io.StringIO]) -> None:
    log_dir, console = polish
    _say_a_run()
    for shown in (console.getvalue(), _read(log_dir, ".log")):
        assert "przebieg 7 rozpoczęty (ręczny, ADMIN): zamówienia, oferty" in shown
        assert (
            "zadanie zamówienia nie powiodło się: GET /me/sales: wszystko.pl nie odpowiada (ConnectError) "
            "(nastąpi ponowna próba; jeśli błąd się powtarza, sprawdź sieć i stan serwisu)"
        ) in shown
        assert "historia przebiegów: usunięte (zakończone ponad 30 dni temu): 3 przebiegi" in shown
        # A moment of a line is shown in the configured zone, its offset written.
        assert "ważny do 2026-07-01 12:00:00 +02:00" in shown
        words = re.sub(r"\(ConnectError\)|GET /\S+|\S+@\S+|agent\.\S+|tests\.\S+", " ", shown).lower()
        assert [w for w in COMMON_ENGLISH if w in words] == []
    # The file names the module that said the line, not the logging helper.
    assert "| tests.texts.test_log_lines:" in _read(log_dir, ".log")


def test_in_english_no_polish_letter(english: tuple[Path, io.StringIO]) -> None:
    log_dir, console = english
    _say_a_run()
    for shown in (console.getvalue(), _read(log_dir, ".log")):
        assert "run 7 started (manual, ADMIN): orders, offers" in shown
        assert "run history: 3 runs finished over 30 days ago removed" in shown
        assert not [c for c in shown if c in POLISH_LETTERS]


def test_the_json_lines_keep_the_english_message_the_key_the_facts_and_utc(polish: tuple[Path, io.StringIO]) -> None:
    log_dir, _ = polish
    _say_a_run()
    records = [json.loads(line)["record"] for line in _read(log_dir, ".jsonl").splitlines()]
    failed = next(r for r in records if r["extra"].get("key") == "log.run.job_failed")
    assert failed["message"] == (
        "job orders failed: GET /me/sales: the marketplace did not answer (ConnectError) "
        "(it will be retried; if it persists, check the network and the marketplace status)"
    )
    assert failed["extra"]["company"] == "Ogrodnik"
    assert failed["extra"]["facts"]["job"] == "orders"
    assert failed["extra"]["utc"].endswith("+00:00")
    linked = next(r for r in records if r["extra"].get("key") == "log.accounts.linked")
    assert linked["extra"]["facts"]["until"] == "2026-07-01 10:00:00 +00:00"
    pruned = next(r for r in records if r["extra"].get("key") == "log.history.pruned")
    assert pruned["extra"]["facts"]["days"] == 30


def test_a_secret_in_a_fact_is_masked_in_every_sink(polish: tuple[Path, io.StringIO]) -> None:
    log_dir, console = polish
    say("WARNING", "log.connection.error", company="Ogrodnik", reason="refused: Bearer abcdefgh12345678")
    shown = console.getvalue() + _read(log_dir, ".log") + _read(log_dir, ".jsonl")
    assert "abcdefgh12345678" not in shown
    assert "Bearer ***" in shown


def _places(sentence: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(sentence) if name}


def _base(key: str) -> str:
    return re.sub(r"\.(one|few|many|other)$", "", key)


LOG_EN = {**log_en.TEXTS, **errors_en.TEXTS}
LOG_PL = {**log_pl.TEXTS, **errors_pl.TEXTS}


def test_both_languages_have_every_sentence_with_the_same_places() -> None:
    english = {_base(k) for k in LOG_EN}
    polish = {_base(k) for k in LOG_PL}
    assert english == polish
    for key, sentence in LOG_EN.items():
        if key in LOG_PL:
            assert _places(sentence) == _places(LOG_PL[key]), key


def test_every_key_the_code_logs_or_raises_with_is_in_the_catalogue() -> None:
    used: set[str] = set()
    for source in [*AGENT.rglob("*.py"), *TUI.rglob("*.py")]:
        code = source.read_text(encoding="utf-8")
        used |= set(re.findall(r'say\(\s*"[A-Z]+",\s*"([a-z_.]+)"', code))
        used |= set(re.findall(r'Phrase\(\s*"((?:err|errhint|log)\.[a-z_.]+)"', code))
        used |= set(re.findall(r'Shape\(\s*"(shape\.[a-z_.]+)"', code))
    assert len(used) > 60
    assert sorted(used - set(LOG_EN)) == []
    assert sorted(used - set(LOG_PL)) == []


def test_a_skipped_run_names_its_error_in_the_language_on_the_console_and_in_the_tui() -> None:
    from agent.commands.run import describe_event
    from agent.errors import RelinkAccount
    from agent.runtime.events import RunSkipped
    from tui.i18n import Texts
    from tui.logentry import event_entry

    error = RelinkAccount("Ogrodnik: no marketplace account is linked",
                          phrase=Phrase("err.not_linked", {"company": "Ogrodnik"}))
    event = RunSkipped("Ogrodnik", "connection_error", datetime(2026, 12, 5, 10, tzinfo=UTC), str(error),
                       said=Phrase("log.detail_error", {"error": error}))
    console = describe_event(event, language="pl")
    assert "Ogrodnik: nie połączono konta wszystko.pl (połącz konto ponownie" in console
    entry = event_entry(event, Texts("pl"))
    assert entry is not None and "nie połączono konta wszystko.pl" in entry.text
    assert "no marketplace account" not in console + entry.text


def test_the_log_search_finds_a_run_and_an_offer_in_either_language() -> None:
    from agent.runtime.manage import log_pattern

    run, offer = log_pattern("run", "9"), log_pattern("offer", "123")
    assert run.search("przebieg 9 zakończony: sukces") and run.search("run 9 finished: success")
    assert not run.search("przebieg 19 zakończony: sukces")
    assert offer.search("oferty: oferty 123 już nie ma") and offer.search("offers: offer 123 is gone")


def test_a_fraction_is_written_with_a_comma_in_polish_and_a_point_in_english() -> None:
    from decimal import Decimal

    from agent.texts.phrases import word

    pause = Phrase("log.calls.retry", {"error": "x", "attempt": 2, "pause": 0.25})
    assert word("pl", pause).endswith("za 0,25 s")
    assert word("en", pause).endswith("0.25 s")
    price = Phrase("outcome.offer_value", {"offer": 12345, "value": Decimal("12.50")})
    assert "12,50" in word("pl", price) and "12345" in word("pl", price)
    assert "12.50" in word("en", price)
