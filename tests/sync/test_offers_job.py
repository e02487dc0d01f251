"""The offers job against the simulator and a seeded ERP: what it creates, what it leaves alone,
what it replaces and ends, and that no product ever gets two offers."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import httpx2
import pytest

from agent.config import OfferDefaults
from agent.core.offers import TITLE_MIN
from agent.erp.port import ContentChanges
from agent.erp.touch import touch_company
from agent.state.models import OfferLink, RunOptions
from agent.sync.context import RunContext
from agent.sync.jobs.offers import offers_job
from agent.sync.jobs.offers_plan import RETRY
from agent.sync.run import RunRequest, execute_run
from agent.texts.outcomes import outcome_hint, outcome_message
from tests.sync.conftest import COMPANY, SyncWorld

OFFER_WRITES = ("POST /me/offers", "PUT /me/offers/{id}", "POST /me/files", "POST /me/update-offers")


def _writes(world: SyncWorld) -> Counter[str]:
    return Counter({key: world.requests.counts[key] for key in OFFER_WRITES})


def _erp(world: SyncWorld, sql: str, *params: object) -> None:
    """An edit as the ERP's own screens make it (the change-tracking triggers see it)."""
    with sqlite3.connect(world.erp.path) as conn:
        conn.execute(sql, params)


async def _expected(world: SyncWorld) -> dict[str, tuple[str, Decimal, int]]:
    """externalId -> (title, gross price, available) for every active shared product."""
    ids = await world.erp.shared_product_ids()
    products = {p.id: p for p in await world.erp.products(ids)}
    values = {v.product_id: v for v in await world.erp.stock_prices(ids, price_type="detaliczna")}
    out: dict[str, tuple[str, Decimal, int]] = {}
    for pid in ids:
        price = values[pid].gross_price
        assert price is not None
        out[str(pid)] = (products[pid].name.strip(), price, values[pid].available)
    return out


def _on_market(offers: list[dict[str, object]]) -> dict[str, tuple[str, Decimal, int]]:
    return {
        str(o["externalId"]): (str(o["title"]), Decimal(str(o["price"])), int(str(o["stockQuantity"])))
        for o in offers
        if o["status"] == "active"
    }


async def _first_export(world: SyncWorld) -> None:
    run = await world.run("catalogue", "offers", "stock", "prices")
    assert run.result == "success", await world.state.outcomes(run.id)


async def test_first_export_creates_every_offer_with_content_price_and_stock(sync_world: SyncWorld) -> None:
    await _first_export(sync_world)
    offers = await sync_world.sim_offers()
    assert _on_market(offers) == await _expected(sync_world)
    assert len(offers) == len({o["externalId"] for o in offers})  # one offer per product
    links = await sync_world.state.all_links(COMPANY)
    assert {str(pid) for pid in links} == {str(o["externalId"]) for o in offers}
    assert all(link.offer_id is not None and link.content_hash for link in links.values())
    # Images shared by several products are uploaded once per run.
    distinct_images = {sha for link in links.values() for sha in link.images}
    assert sync_world.requests.counts["POST /me/files"] == len(distinct_images)
    # New offers carried their price and stock: nothing left for the bulk calls.
    assert sync_world.requests.counts["POST /me/update-offers"] == 0


async def test_a_second_run_with_no_change_writes_nothing(sync_world: SyncWorld) -> None:
    await _first_export(sync_world)
    before_effects = await sync_world.effects()
    before = _writes(sync_world)
    run = await sync_world.run("offers", "stock", "prices")
    assert run.result == "success"
    assert _writes(sync_world) == before
    assert await sync_world.effects() == before_effects


async def test_after_a_touch_only_the_touched_offers_change(sync_world: SyncWorld) -> None:
    await _first_export(sync_world)
    before = _writes(sync_world)
    report = await asyncio.to_thread(touch_company, sync_world.erp.path, percent=20, what="all", seed=3)
    assert report.content and report.prices and report.stock
    expected = await _expected(sync_world)
    run = await sync_world.run("offers", "stock", "prices")
    assert run.result == "success"
    after = _writes(sync_world)
    shared = set(expected)
    outcomes = [o for o in await sync_world.state.outcomes(run.id) if o.outcome == "ok"]
    touched_offers = {o.item for o in outcomes if o.job == "offers"}
    # Only touched products were replaced: at most the content-touched ones, and no create.
    assert after["POST /me/offers"] == before["POST /me/offers"]
    assert 0 < after["PUT /me/offers/{id}"] - before["PUT /me/offers/{id}"] <= report.content
    assert len(touched_offers) <= report.content
    # One bulk call per distinct value, never one per offer.
    bulk = after["POST /me/update-offers"] - before["POST /me/update-offers"]
    assert 0 < bulk <= report.prices + report.stock
    assert _on_market(await sync_world.sim_offers()) == expected
    assert {o.item.removeprefix("product:") for o in outcomes} <= shared


async def test_force_full_resends_every_offer_and_uploads_nothing(sync_world: SyncWorld) -> None:
    await _first_export(sync_world)
    before = _writes(sync_world)
    active = len(_on_market(await sync_world.sim_offers()))
    run = await sync_world.run("offers", force_full=True)
    assert run.result == "success"
    after = _writes(sync_world)
    assert after["PUT /me/offers/{id}"] - before["PUT /me/offers/{id}"] == active
    assert after["POST /me/files"] == before["POST /me/files"]
    assert after["POST /me/offers"] == before["POST /me/offers"]


async def test_send_all_binary_uploads_every_image_again(sync_world: SyncWorld) -> None:
    await _first_export(sync_world)
    before = _writes(sync_world)
    links_before = await sync_world.state.all_links(COMPANY)
    distinct = {sha for link in links_before.values() for sha in link.images}
    run = await sync_world.run("offers", send_all_binary=True)
    assert run.result == "success"
    after = _writes(sync_world)
    assert after["POST /me/files"] - before["POST /me/files"] == len(distinct)
    assert after["PUT /me/offers/{id}"] - before["PUT /me/offers/{id}"] == len(links_before)
    links_after = await sync_world.state.all_links(COMPANY)
    old_urls = {url for link in links_before.values() for url in link.images.values()}
    new_urls = {url for link in links_after.values() for url in link.images.values()}
    assert not old_urls & new_urls  # every gallery now points at the new uploads


async def test_image_bytes_are_read_only_for_the_images_uploaded(
    sync_world: SyncWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    read = sync_world.erp.image_content

    async def counted(sha256: str) -> bytes:
        reads.append(sha256)
        return await read(sha256)

    monkeypatch.setattr(sync_world.erp, "image_content", counted)
    await _first_export(sync_world)
    distinct = {sha for link in (await sync_world.state.all_links(COMPANY)).values() for sha in link.images}
    assert sorted(reads) == sorted(distinct)  # each uploaded image read once, nothing else
    reads.clear()
    assert (await sync_world.run("offers", force_full=True)).result == "success"
    assert reads == []  # every offer resent, no image changed: no bytes read
    assert (await sync_world.run("offers", send_all_binary=True)).result == "success"
    assert sorted(reads) == sorted(distinct)


async def test_an_invalid_product_is_reported_with_its_field_and_the_rest_go_through(sync_world: SyncWorld) -> None:
    ids = await sync_world.erp.shared_product_ids()
    short, bare = ids[0], ids[1]
    _erp(sync_world, "UPDATE products SET name = ? WHERE id = ?", "Ab", short)
    _erp(sync_world, "DELETE FROM product_images WHERE product_id = ?", bare)
    run = await sync_world.run("catalogue", "offers", "stock", "prices")
    assert run.result == "partial"
    failed = {o.item: o for o in await sync_world.state.outcomes(run.id) if o.outcome == "failed"}
    assert set(failed) == {f"product:{short}", f"product:{bare}"}
    assert "name" in failed[f"product:{short}"].message and str(TITLE_MIN) in failed[f"product:{short}"].message
    assert "images" in failed[f"product:{bare}"].message and "image" in failed[f"product:{bare}"].hint
    on_market = _on_market(await sync_world.sim_offers())
    assert set(on_market) == {str(pid) for pid in ids} - {str(short), str(bare)}
    # The failed ids are kept for the next run, so once fixed the product goes through without a full sync.
    _erp(sync_world, "UPDATE products SET name = ? WHERE id = ?", "Sekator ogrodowy", short)
    again = await sync_world.run("offers")
    assert {o.item for o in await sync_world.state.outcomes(again.id) if o.outcome == "failed"} == {f"product:{bare}"}
    assert str(short) in _on_market(await sync_world.sim_offers())


async def test_a_failed_product_is_read_again_next_run_while_the_mark_moves_on(
    sync_world: SyncWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = await sync_world.erp.shared_product_ids()
    victim = ids[0]
    unpriced = "DELETE FROM prices WHERE product_id = ? AND price_type_id = (SELECT id FROM price_types WHERE name = ?)"
    _erp(sync_world, unpriced, victim, "detaliczna")
    first = await sync_world.run("catalogue", "offers")
    assert first.result == "partial"
    assert await sync_world.state.get_high_water(COMPANY, "offers")  # moved on despite the failure
    checkpoint = await sync_world.state.get_checkpoint(COMPANY, "offers")
    assert checkpoint is not None and checkpoint.value == {RETRY: [victim]}

    read: list[int] = []
    content_changes = sync_world.erp.content_changes

    async def counted(since: int, limit: int | None = None) -> ContentChanges:
        changes = await content_changes(since, limit=limit)
        read.extend(p.id for p in changes.products)
        return changes

    monkeypatch.setattr(sync_world.erp, "content_changes", counted)
    # Nothing changed: the catalogue is not read again, only the product that failed is tried again.
    second = await sync_world.run("offers")
    assert read == []
    assert [o.item for o in await sync_world.state.outcomes(second.id, only_failed=True)] == [f"product:{victim}"]
    # A price given later does not move the content mark; the checkpoint still brings the product back.
    _erp(
        sync_world,
        "INSERT INTO prices (product_id, price_type_id, net, gross)"
        " SELECT ?, id, '10.00', '12.30' FROM price_types WHERE name = ?",
        victim,
        "detaliczna",
    )
    third = await sync_world.run("offers")
    assert third.result == "success", await sync_world.state.outcomes(third.id, only_failed=True)
    assert read == []
    assert _on_market(await sync_world.sim_offers())[str(victim)][1] == Decimal("12.30")
    assert await sync_world.state.get_checkpoint(COMPANY, "offers") is None


async def test_a_lost_answer_on_create_makes_no_duplicate(sync_world: SyncWorld) -> None:
    ids = await sync_world.erp.shared_product_ids()
    victims = {str(pid) for pid in ids[:3]}
    remaining = set(victims)

    def lose(request: httpx2.Request) -> bool:
        if request.method != "POST" or not request.url.path.endswith("/me/offers"):
            return False
        body = request.content.decode()
        for external in list(remaining):
            if f'"externalId":"{external}"' in body:
                remaining.discard(external)
                return True
        return False

    sync_world.requests.lose = lose
    run = await sync_world.run("catalogue", "offers")
    assert run.result == "success", await sync_world.state.outcomes(run.id)
    assert sync_world.requests.lost == 3
    offers = await sync_world.sim_offers()
    per_external = Counter(str(o["externalId"]) for o in offers)
    assert all(per_external[v] == 1 for v in victims)
    assert max(per_external.values()) == 1
    links = await sync_world.state.get_links(COMPANY, [int(v) for v in victims])
    by_external = {str(o["externalId"]): o["id"] for o in offers}
    assert {str(pid): link.offer_id for pid, link in links.items()} == {v: by_external[v] for v in victims}


async def test_an_offer_in_flight_found_archived_or_in_an_unknown_state(sync_world: SyncWorld) -> None:
    """A run that died after a create leaves the link in flight; the next run looks the offer up by
    externalId. Found archived, it is brought back (PUT with status active), never created twice;
    found in a state the agent does not know, it is left as it is: no PUT, no second offer, the
    item failed with what to do."""
    await _first_export(sync_world)
    ids = await sync_world.erp.shared_product_ids()
    archived, strange = ids[0], ids[1]
    await sync_world.state.upsert_links(
        COMPANY, [OfferLink(product_id=pid, external_id=str(pid)) for pid in (archived, strange)]
    )
    puts: dict[str, dict[str, object]] = {}

    def answer(request: httpx2.Request, body: bytes) -> bytes:
        external = request.url.params.get("externalId")
        if request.method == "GET" and external in (str(archived), str(strange)):
            page = json.loads(body)
            for offer in page["offers"]:
                offer["status"] = "archived" if external == str(archived) else "suspendedByModerator"
            return json.dumps(page).encode()
        if request.method == "PUT":
            sent = json.loads(request.content)
            puts[str(sent["externalId"])] = sent
        return body

    sync_world.requests.answer = answer
    run = await sync_world.run("offers")
    assert run.result == "partial"
    failed = [o for o in await sync_world.state.outcomes(run.id) if o.outcome == "failed"]
    assert [o.item for o in failed] == [f"product:{strange}"]
    assert "suspendedByModerator" in failed[0].message and "seller panel" in failed[0].hint
    said = outcome_message("pl", failed[0].message, phrase=failed[0].phrase)
    assert said.endswith("jest w stanie, którego ten agent nie zna (suspendedByModerator); zostawiona bez zmian")
    assert outcome_hint("pl", failed[0].hint, phrase=failed[0].hint_phrase).startswith("sprawdź ofertę w panelu")
    assert str(strange) not in puts
    assert puts[str(archived)]["status"] == "active"
    assert sync_world.requests.counts["POST /me/offers"] == len(ids)  # the first export's, no more
    per_external = Counter(str(o["externalId"]) for o in await sync_world.sim_offers())
    assert per_external[str(archived)] == 1 and per_external[str(strange)] == 1


async def test_an_unshared_product_is_ended_and_comes_back_when_shared_again(sync_world: SyncWorld) -> None:
    await _first_export(sync_world)
    pid = (await sync_world.erp.shared_product_ids())[5]
    _erp(sync_world, "UPDATE products SET shared_for_sale = 0 WHERE id = ?", pid)
    run = await sync_world.run("offers", "stock", "prices")
    assert run.result == "success"
    offer = next(o for o in await sync_world.sim_offers() if o["externalId"] == str(pid))
    assert offer["status"] == "ended"
    (link,) = (await sync_world.state.get_links(COMPANY, [pid])).values()
    assert link.status == "ended"
    _erp(sync_world, "UPDATE products SET shared_for_sale = 1 WHERE id = ?", pid)
    await sync_world.run("offers")
    offers = [o for o in await sync_world.sim_offers() if o["externalId"] == str(pid)]
    assert [o["status"] for o in offers] == ["active"]  # the same offer listed again, not a second one
    assert offers[0]["id"] == offer["id"]


async def test_a_product_deleted_from_the_erp_has_its_offer_ended(sync_world: SyncWorld) -> None:
    await _first_export(sync_world)
    pid = (await sync_world.erp.shared_product_ids())[7]
    with sqlite3.connect(sync_world.erp.path) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        for table in ("product_images", "prices", "stock"):
            conn.execute(f"DELETE FROM {table} WHERE product_id = ?", (pid,))
        conn.execute("DELETE FROM products WHERE id = ?", (pid,))
    run = await sync_world.run("offers")
    assert run.result == "success", await sync_world.state.outcomes(run.id)
    offer = next(o for o in await sync_world.sim_offers() if o["externalId"] == str(pid))
    assert offer["status"] == "ended"


async def test_a_first_run_without_a_catalogue_copy_fetches_it_first_once(sync_world: SyncWorld) -> None:
    # The company's ERP never got the catalogue (an automatic run's jobs do not include it).
    run = await sync_world.run("offers", "stock", "prices")
    assert run.result == "success", await sync_world.state.outcomes(run.id)
    assert "catalogue was fetched first" in run.error_summary
    categories, _ = await sync_world.erp.catalogue()
    assert categories
    fetched = sync_world.requests.counts["GET /categories"]
    assert fetched > 0
    assert _on_market(await sync_world.sim_offers()) == await _expected(sync_world)
    # The next run finds the copy and does not fetch it again.
    again = await sync_world.run("offers", "stock", "prices")
    assert again.result == "success"
    assert sync_world.requests.counts["GET /categories"] == fetched
    assert "catalogue" not in again.error_summary


async def test_a_crash_after_create_then_a_rerun_makes_no_duplicate(sync_world: SyncWorld, tmp_path: Path) -> None:
    await sync_world.run("catalogue")
    env = {
        **os.environ,
        "MARKETSYNC_CONFIG": str(sync_world.config.path),
        "MARKETSYNC_CRASH_AT": "offers.after_create",
        "MARKETSYNC_CRASH_AFTER": "5",
    }
    command = [sys.executable, "-m", "agent", "sync", COMPANY, "--offers"]
    crashed = await asyncio.to_thread(subprocess.run, command, env=env, capture_output=True, timeout=120, check=False)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr.decode()[-2000:]
    created = await sync_world.sim_offers()
    assert len(created) >= 6
    in_flight = [link for link in (await sync_world.state.all_links(COMPANY)).values() if link.offer_id is None]
    assert in_flight  # the crash left creates whose offer id was never stored
    del env["MARKETSYNC_CRASH_AT"]
    rerun = await asyncio.to_thread(
        subprocess.run, [*command, "--yes"], env=env, capture_output=True, timeout=120, check=False
    )
    assert rerun.returncode == 0, rerun.stdout.decode()[-2000:] + rerun.stderr.decode()[-2000:]
    offers = await sync_world.sim_offers()
    per_external = Counter(str(o["externalId"]) for o in offers)
    assert max(per_external.values()) == 1
    assert set(per_external) == {str(pid) for pid in await sync_world.erp.shared_product_ids()}
    links = await sync_world.state.all_links(COMPANY)
    assert {str(o["externalId"]): o["id"] for o in offers} == {str(p): link.offer_id for p, link in links.items()}


async def test_a_run_taken_over_sends_no_offer(sync_world: SyncWorld) -> None:
    await sync_world.run("catalogue")

    async def taken_over_then_offers(ctx: RunContext) -> None:
        # Another workstation takes the company over (the token moves) just as the job starts.
        lease = await ctx.erp.read_lease()
        assert lease.holder is not None
        await ctx.erp.take_lease(replace(lease.holder, pid=lease.holder.pid + 1), expected_token=lease.fencing_token)
        await offers_job(ctx)

    run = await execute_run(
        RunRequest(company=sync_world.config.company(COMPANY), options=RunOptions(jobs=("offers",))),
        erp=sync_world.erp,
        market=sync_world.market,
        state=sync_world.state,
        locks_dir=sync_world.locks_dir,
        jobs={"offers": taken_over_then_offers},
    )
    assert run.result == "failed"
    (outcome,) = await sync_world.state.outcomes(run.id, only_failed=True)
    assert outcome.error_class == "LeaseLost"
    assert sync_world.requests.counts["POST /me/offers"] == 0
    assert sync_world.requests.counts["POST /me/files"] == 0
    assert await sync_world.sim_offers() == []


async def test_terms_and_lead_time_come_from_the_offer_defaults_unless_the_product_has_its_own(
    sync_world: SyncWorld,
) -> None:
    defaults = OfferDefaults(
        shipping_tariff="Cennik standardowy",
        return_policy="Zwrot 14 dni",
        complaint_policy="Reklamacja z tytułu rękojmi",
        guarantee="Gwarancja producenta 24 miesiące",
        lead_time="Dzień",
    )
    company = replace(sync_world.config.company(COMPANY), offer_defaults=defaults)
    run = await sync_world.run("catalogue", "offers", company=company)
    assert run.result == "success", await sync_world.state.outcomes(run.id, only_failed=True)
    _, terms = await sync_world.erp.catalogue()
    tariff = next(t.id for t in terms.shipping_tariffs if t.name == "Cennik standardowy")
    products = {p.id: p for p in await sync_world.erp.products(await sync_world.erp.shared_product_ids())}
    links = await sync_world.state.all_links(COMPANY)
    for pid, link in list(links.items())[:10]:
        assert link.offer_id is not None
        offer = await sync_world.market.engine.call("GET", f"/me/offers/{link.offer_id}", what="test", idempotent=True)
        body = offer.json()
        assert body["shippingTariffId"] == tariff
        assert body["leadTime"] == (products[pid].lead_time or "Dzień")
