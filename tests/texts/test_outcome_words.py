"""An item's recorded outcome is read in the operator's language: the jobs' own forms, the reconciliation
report from its facts, the class hints; anything else as it was recorded."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import MappingProxyType

import pytest

from agent.commands.runs import describe_run
from agent.errors import RetryLater
from agent.state.models import ItemOutcome, JobTotals, Run, RunOptions
from agent.texts.outcomes import item_label, outcome_hint, outcome_message, summary_words
from tests.texts.denylist import POLISH_LETTERS


@pytest.mark.parametrize(
    ("recorded", "polish"),
    [
        ("created offer 10000002", "wystawiono ofertę 10000002"),
        ("replaced offer 7", "zastąpiono ofertę 7"),
        ("ended offer 7", "zakończono ofertę 7"),
        ("no offer was created; link forgotten", "oferty nie wystawiono; powiązanie usunięte"),
        ("imported", "zaimportowane"),
        ("already imported; confirmed", "już zaimportowane; potwierdzone"),
        ("handed to the ERP's import; waiting for the RO there", "przekazane do importu w ERP; czeka tam na RO"),
        ("now cancelled on the marketplace; not imported", "teraz ma w serwisie stan anulowane; nie zaimportowano"),
        ("cancelled on the marketplace; RO already cancelled", "anulowane w serwisie; RO było już anulowane"),
        ("offer 12: 3", "oferta 12: 3"),
        ("no changes", "bez zmian"),
        ("categories +3 ~1 -0, shipping_tariffs +1 ~0 -0", "kategorie +3 ~1 -0, cenniki dostawy +1 ~0 -0"),
    ],
)
def test_the_jobs_own_words_read_polish_and_stay_english_in_english(recorded: str, polish: str) -> None:
    assert outcome_message("pl", recorded) == polish
    assert outcome_message("en", recorded) == recorded.replace("shipping_tariffs", "shipping tariffs")


def test_a_message_of_the_marketplace_is_shown_as_recorded() -> None:
    assert outcome_message("pl", "503 from the marketplace") == "503 from the marketplace"


def _report(missing: int = 0) -> str:
    facts = {
        "days": 1,
        "marketplace_orders": 4,
        "documents": 3,
        "missing": list(range(missing)),
        "waiting": [],
        "doubled": [],
        "cancelled_open": [9],
    }
    return json.dumps(facts)


def test_the_reconciliation_is_worded_from_its_facts() -> None:
    english = "last 1 day: 4 orders, 3 ROs; missing 2, doubled 0, waiting 0, cancelled but open 1"
    polish = outcome_message("pl", english, _report(2), item="reconciliation")
    assert polish == (
        "1 dzień wstecz: zamówienia 4, dokumenty RO 3; brakujące 2, podwójne 0, oczekujące 0, anulowane, a otwarte 1"
    )
    assert outcome_message("en", "whatever was recorded", _report(2), item="reconciliation") == english
    assert item_label("pl", "reconciliation") == "uzgodnienie" and item_label("pl", "order:5") == "order:5"


def test_a_class_hint_recorded_in_english_reads_polish() -> None:
    assert outcome_hint("pl", RetryLater.hint, "MarketplaceUnavailable").startswith("nastąpi ponowna próba")
    assert outcome_hint("pl", "give the product a name", "InvalidItem") == "give the product a name"


def test_runs_show_all_in_polish_reads_the_reconciliation_and_the_offers_in_polish() -> None:
    run = Run(
        id=4, company="Ogrodnik", trigger="manual", operator="ADMIN", options=RunOptions(jobs=("orders", "offers")),
        host="kasa1", pid=1, started=datetime(2026, 12, 5, 10, 0, tzinfo=UTC),
        finished=datetime(2026, 12, 5, 10, 0, 1, tzinfo=UTC), result="partial",
        totals=MappingProxyType({"offers": JobTotals(ok=1, skipped=0, failed=0)}),
    )  # fmt: skip
    outcomes = (
        ItemOutcome("orders", "reconciliation", "failed", "ReconciliationMismatch", "last 1 day: ...",
                    "orders in process on the marketplace without an RO were handled elsewhere or lost: "
                    "enter them by hand or set them back to new; doubled ROs must be cancelled by hand",
                    _report(2)),
        ItemOutcome("offers", "product:1", "ok", message="created offer 10000002"),
    )  # fmt: skip
    shown = describe_run(run, outcomes, "Europe/Warsaw", "pl", everything=True)
    assert "zamówienia uzgodnienie: 1 dzień wstecz: zamówienia 4" in shown
    assert "-> zamówienia w realizacji bez RO" in shown
    assert "oferty product:1: wystawiono ofertę 10000002" in shown
    english = describe_run(run, outcomes, "Europe/Warsaw", "en", everything=True)
    assert [c for c in english if c in POLISH_LETTERS] == []
    assert "orders reconciliation: last 1 day: 4 orders" in english


def test_a_run_summary_reads_polish_part_by_part() -> None:
    recorded = (
        "offers: this run would end 30 of 44 active offers (68 %), more than the 20 % allowed "
        "([agent] max_end_percent); nothing was sent; the catalogue was fetched first (the ERP had no copy yet)"
    )
    polish = summary_words("pl", recorded)
    assert polish == (
        "oferty: ten przebieg zakończyłby 30 z 44 aktywnych ofert (68 %), więcej niż dozwolone 20 % "
        "([agent] max_end_percent); nic nie wysłano; najpierw pobrano katalog (ERP nie miał jeszcze jego kopii)"
    )
    assert summary_words("en", recorded) == recorded
    assert summary_words("pl", "the process running it ended") == "proces, który go wykonywał, zakończył się"
    assert summary_words("pl", "ANNA agreed to end 30 of 44 active offers (68 %), more than the 20 % allowed") == (
        "ANNA zgodził(a) się zakończyć 30 z 44 aktywnych ofert (68 %), więcej niż dozwolone 20 %"
    )


def test_an_errors_own_words_stay_but_its_job_is_named_in_polish() -> None:
    assert summary_words("pl", "orders: 503 from the marketplace") == "zamówienia: 503 from the marketplace"


def test_the_forms_follow_the_jobs_own_words() -> None:
    """The jobs' messages as they write them today: a change of wording there must show here."""
    import inspect

    from agent.erp.port import CatalogueDiff, KindDiff
    from agent.state.runs import RunsStore
    from agent.sync.jobs.catalogue import describe_diff

    diff = CatalogueDiff({"categories": KindDiff(added=3), "guarantees": KindDiff(removed=1)})
    assert outcome_message("pl", describe_diff(diff)) == "kategorie +3 ~0 -0, gwarancje +0 ~0 -1"
    assert outcome_message("pl", describe_diff(CatalogueDiff())) == "bez zmian"
    reason = inspect.signature(RunsStore.mark_interrupted).parameters["reason"].default
    said = "the process running it ended"
    polish = "proces, który go wykonywał, zakończył się"
    assert summary_words("pl", "", phrase=reason) == summary_words("pl", said) == polish


def test_the_quarantine_hints_read_polish() -> None:
    recorded = "fix the cause; the order stays new and is imported by the next run"
    assert outcome_hint("pl", recorded, "Quarantined") == (
        "usuń przyczynę; zamówienie zostaje nowe i następny przebieg je zaimportuje"
    )
    assert outcome_hint("en", recorded, "Quarantined") == recorded
