"""A run that would end more than `[agent] max_end_percent` of the active offers stops and asks:
nothing is ended unless someone agreed, and the run's record says which way it went."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable

import pytest

from agent.commands.sync import ends_consent
from agent.state.models import SentValues
from agent.sync.jobs.offers_plan import ends_need_consent, planned_ends
from agent.texts.outcomes import outcome_message, summary_words
from tests.sync.conftest import COMPANY, SyncWorld


def _values(pid: int, *, status: str = "active", offer_id: int | None = 1) -> SentValues:
    return SentValues(pid, str(pid), offer_id, "h", None, None, status)  # type: ignore[arg-type]


def test_planned_ends_counts_active_offers_whose_product_is_no_longer_shared() -> None:
    sent = {1: _values(1), 2: _values(2), 3: _values(3, status="ended"), 4: _values(4, offer_id=None), 5: _values(5)}
    assert planned_ends(sent, shared={1}) == (2, 3)


@pytest.mark.parametrize(
    ("ending", "active", "limit", "ask"),
    [(0, 0, 20, False), (1, 5, 20, False), (2, 5, 20, True), (44, 44, 20, True), (1, 5, 0, True), (5, 5, 100, False)],
)
def test_more_than_the_share_needs_consent(ending: int, active: int, limit: int, ask: bool) -> None:
    assert ends_need_consent(ending, active, limit) is ask


async def _unshare_half(world: SyncWorld) -> list[int]:
    run = await world.run("catalogue", "offers", "stock", "prices")
    assert run.result == "success", await world.state.outcomes(run.id)
    ids = list(await world.erp.shared_product_ids())
    half = ids[: len(ids) // 2]
    with sqlite3.connect(world.erp.path) as conn:
        conn.executemany("UPDATE products SET shared_for_sale = 0 WHERE id = ?", [(pid,) for pid in half])
    return half


async def test_without_consent_the_run_stops_ends_nothing_and_says_why(sync_world: SyncWorld) -> None:
    half = await _unshare_half(sync_world)
    before = sync_world.requests.counts["POST /me/update-offers"] + sync_world.requests.counts["PUT /me/offers/{id}"]
    run = await sync_world.run("offers", "stock", "prices")
    assert run.result == "failed"
    (outcome,) = [o for o in await sync_world.state.outcomes(run.id) if o.outcome == "failed"]
    assert outcome.error_class == "TooManyEnds"
    assert f"{len(half)} of" in outcome.message and "--allow-ends" in outcome.hint
    # Kept as facts: read in Polish in the history, the run's summary too.
    assert outcome.phrase is not None and outcome.phrase.key == "outcome.ends_refused"
    polish = outcome_message("pl", outcome.message, phrase=outcome.phrase)
    assert polish.startswith(f"ten przebieg zakończyłby {len(half)} z ")
    assert summary_words("pl", run.error_summary, phrase=run.summary_phrase) == f"oferty: {polish}"
    assert all(o["status"] == "active" for o in await sync_world.sim_offers())
    after = sync_world.requests.counts["POST /me/update-offers"] + sync_world.requests.counts["PUT /me/offers/{id}"]
    assert after == before  # the stock and prices jobs did not run either
    links = await sync_world.state.get_links(COMPANY, half)
    assert {link.status for link in links.values()} == {"active"}


async def test_a_refusal_by_the_one_asked_ends_nothing(sync_world: SyncWorld) -> None:
    await _unshare_half(sync_world)
    asked: list[tuple[int, int, int]] = []

    async def no(ending: int, active: int, limit: int) -> bool:
        asked.append((ending, active, limit))
        return False

    run = await sync_world.run("offers", confirm_ends=no, max_end_percent=30)
    assert run.result == "failed"
    assert len(asked) == 1 and asked[0][2] == 30
    assert all(o["status"] == "active" for o in await sync_world.sim_offers())


async def test_with_consent_the_offers_end_and_the_run_records_who_agreed(sync_world: SyncWorld) -> None:
    half = await _unshare_half(sync_world)

    async def yes(ending: int, active: int, limit: int) -> bool:
        return True

    run = await sync_world.run("offers", confirm_ends=yes, operator="ANNA")
    assert run.result == "success", await sync_world.state.outcomes(run.id)
    ended = {o["externalId"] for o in await sync_world.sim_offers() if o["status"] == "ended"}
    assert ended == {str(pid) for pid in half}
    assert "ANNA agreed to end" in run.error_summary
    said = summary_words("pl", run.error_summary, phrase=run.summary_phrase)
    assert said.startswith(f"ANNA zgodził(a) się zakończyć {len(half)} z ")


async def test_a_share_within_the_limit_is_not_asked(sync_world: SyncWorld) -> None:
    half = await _unshare_half(sync_world)

    async def never(ending: int, active: int, limit: int) -> bool:
        raise AssertionError("asked although within the limit")

    run = await sync_world.run("offers", confirm_ends=never, max_end_percent=100)
    assert run.result == "success"
    assert len([o for o in await sync_world.sim_offers() if o["status"] == "ended"]) == len(half)


def _answer(question: Awaitable[bool]) -> bool:
    async def wait() -> bool:
        return await question

    return asyncio.run(wait())


def test_the_cli_refuses_without_a_terminal_and_says_how_to_agree(capsys: pytest.CaptureFixture[str]) -> None:
    consent = ends_consent("en", allowed=False, interactive=False)
    assert _answer(consent(30, 44, 20)) is False
    out, err = capsys.readouterr()
    assert "30 of 44" in out and "68 %" in out
    assert "--allow-ends" in err


def test_the_cli_flag_agrees_beforehand_and_polish_is_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert _answer(ends_consent("pl", allowed=True, interactive=False)(30, 44, 20)) is True
    assert "zakończyłby 30 z 44" in capsys.readouterr().out
