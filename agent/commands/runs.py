"""`marketsync runs [COMPANY]` lists run history; `marketsync runs show ID` lists a run's item outcomes.

The history is read from the state database (no network, no lease): newest first, with who ran it
(automatic or manual, operator, workstation), how long it took, the result and its counts. `show`
prints every failed and skipped item with what to do about it (`--all` adds the items that went
through).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from agent.commands.result_labels import RESULT_LABELS
from agent.texts import language_of, text
from agent.texts.outcomes import item_label, outcome_hint, outcome_message, summary_words

if TYPE_CHECKING:
    from agent.config import Config
    from agent.state.models import ItemOutcome, Run

HELP = "run history and per-item outcomes"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "what", nargs="*", metavar="COMPANY | show ID", help="a company's history, or `show ID` for one run's items"
    )
    parser.add_argument("--limit", type=int, default=30, help="how many runs to list (default 30)")
    parser.add_argument("--all", action="store_true", help="with show: list the items that went through too")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from agent.commands.common import config_from_args

    config = config_from_args(args)
    what: list[str] = list(args.what)
    if what[:1] == ["show"]:
        if len(what) != 2 or not what[1].isdigit():
            print(text(config.agent.language, "runs.usage_show"), flush=True)
            return 2
        return asyncio.run(_show(config, int(what[1]), everything=args.all))
    if len(what) > 1:
        print(text(config.agent.language, "runs.usage"), flush=True)
        return 2
    company = config.company(what[0]).name if what else None
    return asyncio.run(_list(config, company, args.limit))


async def _list(config: Config, company: str | None, limit: int) -> int:
    from agent.commands.status import render
    from agent.paths import Paths
    from agent.state.store import StateDB
    from agent.sync.lease import as_seen_now

    async with StateDB.for_config(config) as state:
        runs = await as_seen_now(await state.list_runs(company, limit=limit), Paths.from_config(config).locks_dir)
    if not runs:
        print(text(config.agent.language, "runs.none"))
        return 0
    print(render(*history_table(runs, config.agent.timezone, config.agent.language)))
    return 0


def history_table(runs: Sequence[Run], timezone: str, language: str) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Headers and one row per run."""
    pl = language == "pl"
    headers = (
        ("ID", "Firma", "Start", "Czas", "Tryb", "Operator", "Stanowisko", "Wynik", "OK", "Pominięte", "Błędy")
        if pl
        else (
            "ID",
            "Company",
            "Started",
            "Took",
            "Trigger",
            "Operator",
            "Workstation",
            "Result",
            "OK",
            "Skipped",
            "Failed",
        )
    )
    labels = RESULT_LABELS["pl" if pl else "en"]
    rows: list[tuple[str, ...]] = []
    for run in runs:
        totals = run.totals.values()
        trigger = ("automatyczny" if run.trigger == "automatic" else "ręczny") if pl else run.trigger
        rows.append(
            (
                str(run.id),
                run.company,
                _local(run.started, timezone),
                _duration(run),
                trigger,
                run.operator,
                f"{run.host} ({run.pid})",
                labels.get(run.result, run.result),
                str(sum(t.ok for t in totals)),
                str(sum(t.skipped for t in totals)),
                str(sum(t.failed for t in totals)),
            )
        )
    return headers, rows


async def _show(config: Config, run_id: int, *, everything: bool) -> int:
    from agent.paths import Paths
    from agent.state.store import StateDB
    from agent.sync.lease import as_seen_now

    async with StateDB.for_config(config) as state:
        found = await state.get_run(run_id)
        if found is None:
            print(text(config.agent.language, "runs.no_such", id=run_id))
            return 1
        found = (await as_seen_now([found], Paths.from_config(config).locks_dir))[0]
        outcomes = await state.outcomes(run_id)
    print(describe_run(found, outcomes, config.agent.timezone, config.agent.language, everything=everything))
    return 0


def describe_run(run: Run, outcomes: Sequence[ItemOutcome], timezone: str, language: str, *, everything: bool) -> str:
    """A run's header, its per-job counts, and its items with what to do about each failure."""
    labels = RESULT_LABELS[language_of(language)]
    trigger = text(language, f"runs.trigger.{run.trigger}")
    lines = [
        text(
            language,
            "runs.header",
            id=run.id,
            company=run.company,
            trigger=trigger,
            operator=run.operator,
            host=run.host,
            pid=run.pid,
        ),
        text(
            language,
            "runs.started",
            started=_local(run.started, timezone),
            took=_duration(run),
            result=labels.get(run.result, run.result),
        ),
    ]
    if run.error_summary:
        lines.append(f"  {summary_words(language, run.error_summary, phrase=run.summary_phrase)}")
    for job in run.options.jobs:
        t = run.totals.get(job)
        if t is not None:
            label = text(language, f"job.{job}")
            lines.append(text(language, "runs.job_line", job=label, ok=t.ok, skipped=t.skipped, failed=t.failed))
    shown = [o for o in outcomes if everything or o.outcome != "ok"]
    if not shown:
        lines.append(text(language, "runs.no_failures"))
    for outcome in shown:
        mark = {"ok": " ", "skipped": "-", "failed": "!"}[outcome.outcome]
        kind = f" [{outcome.error_class}]" if outcome.error_class else ""
        said = (
            outcome_message(language, outcome.message, outcome.payload, item=outcome.item, phrase=outcome.phrase)
            if outcome.message
            else text(language, f"outcome.{outcome.outcome}")
        )
        item = item_label(language, outcome.item)
        lines.append(f"  {mark} {text(language, f'job.{outcome.job}')} {item}: {said}{kind}")
        if outcome.outcome != "ok":
            hint = (
                outcome_hint(language, outcome.hint, outcome.error_class, phrase=outcome.hint_phrase)
                if outcome.hint
                else ""
            )
            lines.append(f"      -> {hint or _default_hint(outcome, language)}")
    return "\n".join(lines)


def _default_hint(outcome: ItemOutcome, language: str) -> str:
    """What to do when the job gave no hint of its own."""
    if outcome.outcome == "skipped":
        return text(language, "hint.skipped")
    if outcome.error_class in ("RetryLater", "MarketplaceUnavailable", "RateLimited"):
        return text(language, "hint.retry")
    return text(language, "hint.check_erp")


def _local(moment: datetime, timezone: str) -> str:
    from agent.texts.clock import local_time

    return local_time(moment, timezone)


def _duration(run: Run) -> str:
    took = run.duration
    if took is None:
        return "-"
    seconds = int(took.total_seconds())
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds >= 60 else f"{took.total_seconds():.1f} s"
