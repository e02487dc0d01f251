"""Optima's refusals of a write (no import folder, a lease taken over) carry their sentence as facts:
Polish in pl, and in en exactly the English they were raised with."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from agent.erp.optima import fence
from agent.erp.optima.adapter import OptimaErp
from agent.errors import ConfigError, LeaseLost, MarketsyncError, RetryLater
from agent.texts.phrases import error_text, message_for
from tests.erp.optima_harness import MAPPING, OptimaHarness
from tests.erp.test_contract_catalogue import _holder
from tests.erp_optima.test_write_side import _draft
from tests.texts.denylist import COMMON_ENGLISH

ENGLISH = (*COMMON_ENGLISH, "another", "lease", "took", "this run", "stops", "writing", "cannot", "is not set",
           "folder to", "imports", "busy", "try again")


def check(error: MarketsyncError, polish: str) -> None:
    said = error_text("pl", error)
    assert message_for("pl", error) == polish
    # A setting's name ([company.optima], import_folder) is quoted as it is written in the file.
    assert not [w for w in ENGLISH if w in re.sub(r"\[[\w.]+\]|import_folder", "", said).lower()], said
    assert error_text("en", error) == str(error)


async def test_a_write_after_the_lease_was_taken_over_is_worded_in_the_language(harness: OptimaHarness) -> None:
    shop = await harness.build_shop()
    old = await harness.optima.take_lease(_holder(), expected_token=0)
    await harness.optima.take_lease(_holder("biuro-2"), expected_token=old)
    with pytest.raises(LeaseLost) as caught:
        await harness.optima.create_document(_draft(shop), match_contractors=True, create_contractors=True, fence=old)
    assert caught.value.message == (
        "another run took this company's lease over (token 2, this run 1); this run stops writing"
    )
    check(caught.value, "inny przebieg przejął tę firmę (token 2, ten przebieg 1); ten przebieg przestaje zapisywać")


async def test_orders_without_an_import_folder_are_worded_in_the_language(
    harness: OptimaHarness, tmp_path: Path
) -> None:
    shop = await harness.build_shop()
    # The same Optima database, opened as a company whose [company.optima] has no import_folder.
    optima = await OptimaErp.open(harness.engine, state_dir=tmp_path / "other-state", mapping=MAPPING)
    try:
        with pytest.raises(ConfigError) as caught:
            await optima.create_document(_draft(shop), match_contractors=True, create_contractors=True, fence=None)
    finally:
        await optima.close()
    assert str(caught.value) == (
        "orders cannot go to Optima: [company.optima] import_folder is not set "
        "(set import_folder to the folder Optima imports XML documents from)"
    )
    check(caught.value, "zamówienia nie mogą trafić do Optimy: w [company.optima] brak import_folder")
    assert error_text("pl", caught.value).endswith(
        "(ustaw import_folder na folder, z którego Optima importuje dokumenty XML)"
    )


def test_a_lease_file_held_by_another_run_is_worded_in_the_language(
    harness: OptimaHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another run is taking the lease: it holds the copy's write lock; this one gives up at once.
    monkeypatch.setattr(fence, "BUSY_TIMEOUT_S", 0.05)
    other = sqlite3.connect(harness.optima.copy_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(RetryLater) as caught, fence.held(harness.optima.copy_path, 1):
            pass
    finally:
        other.close()
    name = harness.optima.copy_path.name
    assert caught.value.message == f"{name} is busy (another run is taking the lease); try again"
    check(caught.value, f"plik {name} jest zajęty (inny przebieg właśnie zajmuje firmę); spróbuj ponownie")
