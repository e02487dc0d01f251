"""The ERP's refusals of an order's RO carry their sentence as facts: Polish in pl, today's English in en."""

from __future__ import annotations

import dataclasses
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from agent.domain import DocumentLine
from agent.erp.sqlite import SqliteErp
from agent.errors import InvalidItem
from agent.texts.phrases import error_text
from tests.erp.conftest import EMBEDDED_ONLY, Harness, png
from tests.erp.test_contract_documents import _draft
from tests.texts.denylist import COMMON_ENGLISH

ENGLISH = (*COMMON_ENGLISH, "line ", "product", "quantity", "below", "shipping", "warehouses", "exist")


@EMBEDDED_ONLY
@pytest.mark.parametrize(
    ("change", "warehouses", "polish"),
    [
        ({"lines": (DocumentLine(999, 1, Decimal("1.00")),)}, [], "pozycja 1: nie ma produktu o identyfikatorze 999"),
        ({"lines": (DocumentLine(1, 0, Decimal("1.00")),)}, [], "pozycja 1: ilość 0 jest mniejsza niż 1"),
        ({"shipping_product": "BRAK"}, [], "nie ma usługi wysyłki o kodzie \u201eBRAK\u201d"),
        ({}, ["HURT"], "magazyny HURT: nie wszystkie istnieją"),
    ],
)
async def test_a_refused_order_is_worded_in_the_language(
    harness: Harness, change: dict[str, object], warehouses: list[str], polish: str
) -> None:
    shop = await harness.build_shop()
    draft = dataclasses.replace(_draft(shop), **change)  # type: ignore[arg-type]
    with pytest.raises(InvalidItem) as caught:
        await harness.erp.create_document(
            draft, match_contractors=True, create_contractors=True, warehouses=warehouses, fence=None
        )
    said = error_text("pl", caught.value)
    assert said.startswith(polish), said
    assert not [w for w in ENGLISH if w in said.lower()], said
    assert error_text("en", caught.value) == str(caught.value)


@pytest.mark.parametrize(
    ("product", "content", "polish"),
    [
        (99, png(), "nie ma produktu o identyfikatorze 99"),
        (1, b"\x89PNG\r\n\x1a\n but truncated", "to nie jest czytelne zdjęcie"),
    ],
)
async def test_a_refused_image_is_worded_in_the_language(
    tmp_path: Path, product: int, content: bytes, polish: str
) -> None:
    async with await SqliteErp.open(tmp_path / "firma.sqlite") as erp:
        with sqlite3.connect(tmp_path / "firma.sqlite") as conn:
            conn.execute("INSERT INTO products (code, name, vat_rate) VALUES ('A', 'A', '23%')")
        conn.close()
        with pytest.raises(InvalidItem) as caught:
            await erp.set_images(product, [content])
    said = error_text("pl", caught.value)
    assert said.startswith(polish), said
    assert error_text("en", caught.value) == str(caught.value)
