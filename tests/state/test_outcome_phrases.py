"""An item outcome's words kept as facts: stored and read back whole, and a file of the previous
schema migrated with its rows kept as they were recorded (and still read in the language)."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

from agent.errors import Phrase
from agent.state import SCHEMA_VERSION, ItemOutcome, RunOptions, StateDB
from agent.state.codec import phrase_from_text, phrase_to_text
from agent.state.schema import MIGRATIONS
from agent.texts.outcomes import outcome_hint, outcome_message, summary_words
from agent.texts.phrases import counted, joined

ORDERS = RunOptions(("offers",))
NESTED = Phrase(
    "outcome.offer_value_refused",
    {"offer": 7, "value": Decimal("12.50"), "said": joined([Phrase("rule.no_category"), "as said"], "; ")},
)


def test_a_phrase_round_trips_through_its_text_with_nested_phrases_lists_and_money() -> None:
    stored = phrase_to_text(NESTED)
    assert stored is not None
    back = phrase_from_text(stored)
    assert back is not None
    assert back.key == NESTED.key and back.values["offer"] == 7 and back.values["value"] == "12.50"
    assert outcome_message("pl", "", phrase=back) == "oferta 7: nie przyjęto 12.50: brak kategorii serwisu; as said"
    assert phrase_to_text(None) is None and phrase_from_text(None) is None


def test_text_that_is_not_a_phrase_reads_as_none() -> None:
    for text in ("not json", "[1, 2]", '{"key": 3, "values": {}}', '{"values": {}}', "7"):
        assert phrase_from_text(text) is None, text


async def test_an_outcome_keeps_its_key_and_facts_and_the_english_worded_from_them(state: StateDB) -> None:
    run = await state.start_run("firma", trigger="manual", operator="ADMIN", options=ORDERS)
    said = ItemOutcome.said(
        "orders",
        "reconciliation",
        "failed",
        Phrase("outcome.reconciliation", {"days": counted(2, "days"), "orders": 4, "documents": 3, "missing": 1,
                                          "doubled": 0, "waiting": 0, "cancelled_open": 0}),
        hint=Phrase("hint.ReconciliationMismatch"),
        error_class="ReconciliationMismatch",
    )  # fmt: skip
    assert said.message == "last 2 days: 4 orders, 3 ROs; missing 1, doubled 0, waiting 0, cancelled but open 0"
    assert said.hint.startswith("orders in process on the marketplace")
    await state.record_outcomes(run.id, [said])
    [back] = await state.outcomes(run.id)
    assert back == said
    assert outcome_message("pl", back.message, phrase=back.phrase).startswith("2 dni wstecz: zamówienia 4")
    assert outcome_hint("pl", back.hint, phrase=back.hint_phrase).startswith("zamówienia w realizacji bez RO")


async def test_a_key_this_version_does_not_know_shows_the_recorded_text(state: StateDB) -> None:
    run = await state.start_run("firma", trigger="manual", operator="ADMIN", options=ORDERS)
    later = ItemOutcome("offers", "product:1", "ok", message="what a later agent said", phrase=Phrase("outcome.new"))
    await state.record_outcomes(run.id, [later])
    [back] = await state.outcomes(run.id)
    assert back.phrase == Phrase("outcome.new")
    assert outcome_message("pl", back.message, phrase=back.phrase) == "what a later agent said"


def _previous_schema(path: Path) -> None:
    """A state file as the agent of schema 2 left it, with one run and two outcomes recorded in English."""
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        for statement in MIGRATIONS[0] + MIGRATIONS[1]:
            conn.execute(statement)
        conn.execute(
            "INSERT INTO runs (company, trigger, operator, jobs, force_full, send_all_binary, host, pid, started, "
            "finished, result, error_summary) VALUES ('firma', 'manual', 'ADMIN', 'offers', 0, 0, 'kasa1', 1, "
            "'2026-12-05T10:00:00.000000+00:00', '2026-12-05T10:01:00.000000+00:00', 'failed', "
            "'offers: 503 from the marketplace')"
        )
        conn.executemany(
            "INSERT INTO outcomes (run_id, job, item, outcome, error_class, message, hint) "
            "VALUES (1, ?, ?, ?, ?, ?, ?)",
            [
                ("offers", "product:1", "ok", "", "created offer 10000002", ""),
                ("offers", "product:2", "failed", "InvalidItem",
                 "SEK-001 (Sekator): category: no marketplace category", "assign a category to the product"),
            ],
        )  # fmt: skip
        conn.execute("PRAGMA user_version = 2")


async def test_a_file_of_the_previous_schema_is_migrated_and_its_rows_read_as_recorded(db_path: Path) -> None:
    assert SCHEMA_VERSION == 3
    _previous_schema(db_path)
    async with StateDB(db_path) as state:
        created, invalid = await state.outcomes(1)
        old = await state.get_run(1)
        run = await state.start_run("firma", trigger="manual", operator="ADMIN", options=ORDERS)
        new = ItemOutcome.said("offers", "product:3", "ok", Phrase("outcome.offer_created", {"offer": 9}))
        await state.record_outcomes(run.id, [new])
        [back] = await state.outcomes(run.id)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert created.message == "created offer 10000002" and created.phrase is None and created.hint_phrase is None
    assert invalid.message.endswith("no marketplace category") and invalid.phrase is None
    # Recorded before the facts were kept: still read in the language from their English forms.
    assert outcome_message("pl", created.message, phrase=created.phrase) == "wystawiono ofertę 10000002"
    assert outcome_message("pl", invalid.message, phrase=invalid.phrase) == (
        "SEK-001 (Sekator): kategoria: brak kategorii serwisu"
    )
    assert outcome_hint("pl", invalid.hint, invalid.error_class, phrase=invalid.hint_phrase) == (
        "przypisz produktowi kategorię"
    )
    assert back == new and back.message == "created offer 9"
    assert old is not None and old.summary_phrase is None and old.error_summary == "offers: 503 from the marketplace"
    assert summary_words("pl", old.error_summary, phrase=old.summary_phrase) == "oferty: 503 from the marketplace"


async def test_a_runs_summary_keeps_its_facts_and_an_interrupted_run_says_why_in_the_language(
    state: StateDB,
) -> None:
    run = await state.start_run("firma", trigger="manual", operator="ADMIN", options=ORDERS)
    summary = joined([Phrase("outcome.catalogue_first"), "503 from the marketplace"], "; ")
    finished = await state.finish_run(run.id, "failed", summary_phrase=summary)
    assert finished.error_summary == (
        "the catalogue was fetched first (the ERP had no copy yet); 503 from the marketplace"
    )
    assert finished.summary_phrase == summary
    assert summary_words("pl", finished.error_summary, phrase=finished.summary_phrase) == (
        "najpierw pobrano katalog (ERP nie miał jeszcze jego kopii); 503 from the marketplace"
    )
    dead = await state.start_run("firma", trigger="manual", operator="ADMIN", options=ORDERS)
    await state.mark_interrupted([dead.id], reason=Phrase("outcome.agent_stopped"))
    interrupted = await state.get_run(dead.id)
    assert interrupted is not None and interrupted.summary_phrase == Phrase("outcome.agent_stopped")
    assert interrupted.error_summary == "the agent stopped before this run reached a checkpoint"
    assert summary_words("pl", interrupted.error_summary, phrase=interrupted.summary_phrase).startswith(
        "agent zatrzymał się"
    )
