"""Two processes hand the same order to Optima's import folder at the same moment.

Each process opens its own adapter on the same Optima database, agent files and import folder (two
workstations, or a run and a command-line tool), waits for the other at a barrier, then calls
`create_document` for the same order: exactly one file is written, one call reports it created
and the other finds it, with the same id.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from queue import Empty
from typing import Any

import pytest

from agent.domain import Address, ContractorData, DocumentDraft, DocumentLine
from agent.erp.optima.adapter import OptimaErp
from agent.erp.optima.fixture import sqlite_engine
from agent.erp.port import LeaseHolder
from tests.erp.optima_harness import MAPPING, OptimaHarness

# Generous: a spawned process imports the agent before it reaches the barrier.
WAIT_S = 120


def draft(sekator: int) -> DocumentDraft:
    return DocumentDraft(
        marketplace="wszystko.pl",
        order_id="8001",
        series="RO",
        issued=datetime(2026, 5, 4, 12, 30, tzinfo=UTC),
        contractor=ContractorData(
            name="Anna Nowak",
            email="anna.nowak@example.pl",
            address=Address(street="ul. Polna", building_number="3", post_code="00-950", city="Warszawa"),
        ),
        payment_form="przelew",
        lines=(DocumentLine(sekator, 1, Decimal("99.99")),),
    )


def hand_over(folder: str, sekator: int, fence: int | None, barrier: Any, results: Any) -> None:
    """One process: open the adapter, wait for the other one, hand the order over, report."""

    async def main() -> tuple[int, bool]:
        root = Path(folder)
        erp = await OptimaErp.open(
            sqlite_engine(root / "cdn.sqlite"),
            state_dir=root / "agent-state",
            mapping=MAPPING,
            import_folder=root / "import",
        )
        try:
            await asyncio.to_thread(barrier.wait, WAIT_S)
            return await erp.create_document(
                draft(sekator), match_contractors=True, create_contractors=True, fence=fence
            )
        finally:
            await erp.close()

    try:
        results.put(asyncio.run(main()))
    except BaseException as exc:
        results.put(f"{type(exc).__name__}: {exc}")
        raise


@pytest.mark.parametrize("fenced", [False, True], ids=["no fence", "the run's fence"])
async def test_two_processes_handing_the_same_order_write_one_file(
    harness: OptimaHarness, tmp_path: Path, fenced: bool
) -> None:
    shop = await harness.build_shop()
    fence = None
    if fenced:
        now = datetime.now(UTC)
        holder = LeaseHolder("biuro-1", 1, "manual", "ADMIN", now, now)
        fence = await harness.optima.take_lease(holder, expected_token=0)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    workers = [
        context.Process(target=hand_over, args=(str(tmp_path), shop.sekator, fence, barrier, results)) for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    try:
        answers = []
        for _ in workers:
            try:
                answers.append(await asyncio.to_thread(results.get, True, WAIT_S))
            except Empty:
                pytest.fail("a process did not answer")
    finally:
        for worker in workers:
            await asyncio.to_thread(worker.join, WAIT_S)
    assert all(worker.exitcode == 0 for worker in workers), answers
    (first_id, first_created), (second_id, second_created) = sorted(answers, key=lambda a: not a[1])
    assert (first_created, second_created) == (True, False)
    assert first_id == second_id < 0
    assert [p.name for p in (tmp_path / "import").glob("*.xml")] == ["RO_WSZ-8001.xml"]
    assert await harness.optima.awaiting_import("wszystko.pl") == ("8001",)
    assert await harness.optima.document_for_order("wszystko.pl", "8001") == first_id
