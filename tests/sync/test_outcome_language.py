"""A full sync against the simulator, read back from the run history in Polish and in English: every
outcome's message and hint is the jobs' facts worded in one language (the facts themselves, such as
a product's name, are data and stay as they are)."""

from __future__ import annotations

import sqlite3

import pytest

from agent.errors import Phrase
from agent.state.models import ItemOutcome
from agent.texts.outcomes import outcome_hint, outcome_message
from tests.sync.conftest import SyncWorld
from tests.texts.denylist import COMMON_ENGLISH, POLISH_LETTERS

ENGLISH_WORDS = (
    *COMMON_ENGLISH,
    "offer ",
    "created",
    "replaced",
    "ended",
    "imported",
    "no changes",
    "categories",
    "catalogue",
    "price",
    "image",
    "missing",
    "title",
    "characters",
    "marketplace",
    "product",
    "fill in",
)


def _erp(world: SyncWorld, sql: str, *params: object) -> None:
    with sqlite3.connect(world.erp.path) as conn:
        conn.execute(sql, params)


def _data(phrase: Phrase | None) -> list[str]:
    """The values a phrase names (codes, names, numbers), longest first: data, not words of a language."""
    if phrase is None:
        return []
    found: list[str] = []
    for value in phrase.values.values():
        for part in value if isinstance(value, tuple) else (value,):
            found.extend(_data(part) if isinstance(part, Phrase) else [str(part)])
    return sorted(found, key=len, reverse=True)


def _words(language: str, outcome: ItemOutcome) -> str:
    said = outcome_message(language, outcome.message, outcome.payload, item=outcome.item, phrase=outcome.phrase)
    hint = outcome_hint(language, outcome.hint, outcome.error_class, phrase=outcome.hint_phrase)
    text = f"{said} / {hint}"
    for value in _data(outcome.phrase) + _data(outcome.hint_phrase):
        text = text.replace(value, "")
    return text


@pytest.fixture
async def history(sync_world: SyncWorld) -> list[ItemOutcome]:
    """Two runs: a first export with two broken products, then every job after an unshare, a price
    removed and orders placed (one of them confirmed in the seller panel, so the reconciliation fails)."""
    world = sync_world
    ids = await world.erp.shared_product_ids()
    _erp(world, "UPDATE products SET name = ? WHERE id = ?", "Ab", ids[0])
    _erp(world, "DELETE FROM product_images WHERE product_id = ?", ids[1])
    first = await world.run("catalogue", "offers", "stock", "prices")
    _erp(world, "UPDATE products SET shared_for_sale = 0 WHERE id = ?", ids[5])
    _erp(world, "DELETE FROM prices WHERE product_id = ? AND price_type_id = 1", ids[6])
    _erp(world, "UPDATE prices SET gross = '1234.00' WHERE product_id = ? AND price_type_id = 1", ids[7])
    placed = (await world.control("POST", "/orders", params={"count": 3}))["ids"]
    await world.market.set_sales_status([placed[0]], "inProcess")
    second = await world.run("catalogue", "orders", "offers", "stock", "prices")
    return [*await world.state.outcomes(first.id), *await world.state.outcomes(second.id)]


async def test_every_outcome_of_a_full_sync_reads_in_one_language(history: list[ItemOutcome]) -> None:
    messages = {o.phrase.key if o.phrase else o.message for o in history}
    # The run went through the forms that matter: offers created and ended, broken products, orders
    # imported, a price skipped, the catalogue's report and a failed reconciliation.
    for key in (
        "outcome.offer_created",
        "outcome.offer_ended",
        "joined",
        "outcome.order_imported",
        "outcome.no_price_kept",
        "outcome.catalogue_unchanged",
        "outcome.reconciliation",
    ):
        assert key in messages, sorted(messages)
    assert [o.message for o in history if o.phrase is None] == []
    for outcome in history:
        polish = _words("pl", outcome).lower()
        assert [w for w in ENGLISH_WORDS if w in polish] == [], (outcome, polish)
        english = _words("en", outcome)
        assert [c for c in english if c in POLISH_LETTERS] == [], (outcome, english)
        assert outcome_message("en", outcome.message, phrase=outcome.phrase) == outcome.message
