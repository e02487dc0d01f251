"""The ERP's refusals of the catalogue copy and of a stale lease carry their sentence as facts: Polish
in pl, and in en exactly the English they were raised with (the `.jsonl` log keeps it)."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import sqlite3
from pathlib import Path

import pytest

from agent.domain import Category
from agent.erp.schema import SCHEMA_VERSION
from agent.erp.seed import seed_company
from agent.erp.sqlite import SqliteErp
from agent.errors import ConfigError, InvalidItem, LeaseLost, MarketsyncError, StorageError
from agent.texts.phrases import error_text, message_for
from tests.erp.conftest import Harness
from tests.erp.test_contract_catalogue import CATEGORIES, EAN, NOW, TERMS, _holder
from tests.texts.denylist import COMMON_ENGLISH

ENGLISH = (
    *COMMON_ENGLISH, "catalogue", "share", "categories", "parameters", "shipping", "lease", "stale", "another",
    "took", "held", "carries", "writing", "already", "products", "schema", "expected", "open it", "seed", "delete",
    "price type", "exist", "warehouse", "there", "none", "set", "one of them", "symbols",
)


def english_in(polish: str) -> list[str]:
    """The English words of a Polish line, leaving out the file's path (it names the folder as it is)
    and a table of the configuration ([company]), as the file spells it."""
    said = re.sub(r"\S*/\S*|\[[\w.]+\]", "", polish).lower()
    return [w for w in ENGLISH if re.search(rf"\b{re.escape(w.strip())}\b", said)]


def check_words(error: MarketsyncError, polish_start: str) -> None:
    polish = message_for("pl", error)
    assert polish.startswith(polish_start), polish
    assert not english_in(error_text("pl", error)), error_text("pl", error)
    assert error_text("en", error) == str(error)


@pytest.mark.parametrize(
    ("spoil", "polish", "english"),
    [
        (lambda c, t: ((*c, c[0]), t), "katalog: dwie pozycje (kategorie) mają ten sam identyfikator 10",
         "catalogue: two categories share the id 10"),
        (lambda c, t: ((*c[:2], dataclasses.replace(c[2], fields=(EAN, EAN))), t),
         "katalog: dwie pozycje (parametry kategorii 100) mają ten sam identyfikator 2",
         "catalogue: two parameters of category 100 share the id 2"),
        (lambda c, t: (c, dataclasses.replace(t, shipping_methods=(*t.shipping_methods, t.shipping_methods[0]))),
         "katalog: dwie pozycje (metody dostawy) mają ten sam identyfikator 1",
         "catalogue: two shipping_methods share the id 1"),
    ],
)
async def test_twin_ids_in_the_catalogue_are_worded_in_the_language(
    harness: Harness, spoil: object, polish: str, english: str
) -> None:
    categories, terms = spoil(CATEGORIES, TERMS)  # type: ignore[operator]
    with pytest.raises(InvalidItem) as caught:
        await harness.erp.replace_catalogue(categories, terms, fence=None)
    assert caught.value.message == english
    check_words(caught.value, polish)


async def test_a_stale_lease_is_worded_in_the_language(harness: Harness) -> None:
    old = await harness.erp.take_lease(_holder(), expected_token=0)
    await harness.erp.take_lease(_holder("biuro-2"), expected_token=old)
    with pytest.raises(LeaseLost) as taken:
        await harness.erp.take_lease(_holder("biuro-3"), expected_token=old)
    assert taken.value.message.endswith(": the lease token is 2, not 1: another run took it")
    check_words(taken.value, "")
    assert message_for("pl", taken.value).endswith(": token zajęcia firmy to 2, nie 1: przejął ją inny przebieg")
    with pytest.raises(LeaseLost) as gone:
        await harness.erp.heartbeat_lease(old, NOW)
    assert gone.value.message.endswith(": the lease of token 1 is no longer held (token now 2)")
    check_words(gone.value, "")
    with pytest.raises(LeaseLost) as stale:
        await harness.erp.replace_catalogue((Category(1, "Dom", 0, False),), TERMS, fence=old)
    assert stale.value.message.endswith(": fencing token 1 is stale (the lease now carries 2)")
    check_words(stale.value, "")
    assert message_for("pl", stale.value).endswith(": token 1 jest nieaktualny (firma ma teraz token 2)")


async def test_seeding_a_database_that_cannot_take_it_is_worded_in_the_language(tmp_path: Path) -> None:
    database = tmp_path / "firma.sqlite"
    await (await SqliteErp.open(database)).close()
    await asyncio.to_thread(seed_company, database, products=3, seed=1)
    with sqlite3.connect(database) as conn:
        products = conn.execute("SELECT COUNT(*) FROM products").fetchone()[0]
    with pytest.raises(StorageError) as full:
        seed_company(database, products=3, seed=1)
    assert str(full.value) == (
        f"{database}: already has {products} products "
        "(seed an empty company database (delete the file, or use --replace))"
    )
    check_words(full.value, f"{database}: w bazie są już produkty ({products})")
    assert error_text("pl", full.value).endswith("(wypełnij pustą bazę firmy (usuń plik albo użyj --replace))")
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(StorageError) as newer:
        seed_company(database, products=3, seed=1)
    assert newer.value.message == f"{database}: schema version 99, expected {SCHEMA_VERSION}; open it first"
    check_words(newer.value, f"{database}: wersja schematu 99, oczekiwana {SCHEMA_VERSION}; najpierw otwórz bazę")


async def test_a_price_type_or_warehouse_the_erp_lacks_is_worded_in_the_language(harness: Harness) -> None:
    await harness.build_shop()
    with pytest.raises(ConfigError) as price:
        await harness.erp.stock_price_changes(0, price_type="hurtowa-xyz")
    assert price.value.message.startswith('price type "hurtowa-xyz" does not exist in ')
    check_words(price.value, "rodzaj ceny \u201ehurtowa-xyz\u201d nie istnieje w ")
    with pytest.raises(ConfigError) as warehouse:
        await harness.erp.stock_price_changes(0, price_type="detaliczna", warehouses=("NIEMA",))
    check_words(warehouse.value, "")
    assert "NIEMA" in message_for("pl", warehouse.value)
