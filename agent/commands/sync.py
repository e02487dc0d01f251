"""`marketsync sync COMPANY`: a run now, with the options of the seed's "Wymiana danych" window.

With no job flag it sends offers (with their stock and prices) and fetches orders, as the window's
defaults do. When another run holds the company it says who and asks: wait for it, take it over,
or cancel (`--wait`, `--force`); when the last run was interrupted it says so and asks whether to
run (`--yes`). With no terminal and no flag it refuses. A run that would end more than
`[agent] max_end_percent` of the active offers says what it would end and asks (`--allow-ends`
agrees beforehand); with no terminal and no flag it refuses, ends nothing and the run says why.

The run goes through the runtime, as the TUI's manual runs do: a `Runtime` without the scheduler
seat queues it, makes its adapters and reports it; this module only asks and prints.

Exit codes: 0 success, 1 partial, 2 usage error, 3 refused, 4 failed.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING

from agent.texts import plural, text
from agent.texts.outcomes import item_label, outcome_hint, outcome_message, summary_words

if TYPE_CHECKING:
    from agent.domain import JobName
    from agent.runtime.service import Runtime
    from agent.state.models import ItemOutcome, Run, RunOptions
    from agent.state.store import StateDB
    from agent.sync.context import EndsConsent

HELP = "run a sync of one company now"
CONSOLE_QUIET = True
"""The console shows this command's own lines, in the operator's language; the log's go to the file."""

EXIT_SUCCESS, EXIT_PARTIAL, EXIT_USAGE, EXIT_REFUSED, EXIT_FAILED = 0, 1, 2, 3, 4

# This command's texts about ending many offers, in both languages.
ENDS_TEXTS = {
    "pl": {
        "warning": (
            "Ten przebieg zakończyłby {ending} z {active} aktywnych ofert ({share} %), więcej niż "
            "dozwolone {limit} % ([agent] max_end_percent).\n"
            "Zakończone oferty znikną z wszystko.pl. Jeśli ścieżka do bazy firmy jest błędna albo "
            "produkty zniknęły z ERP przez pomyłkę, odpowiedz n i sprawdź konfigurację."
        ),
        "question": "Zakończyć te oferty?",
        "refused": "Odmowa: nic nie zakończono. Aby mimo to zakończyć te oferty, dodaj --allow-ends.",
        "yes": "t",
    },
    "en": {
        "warning": (
            "This run would end {ending} of {active} active offers ({share} %), more than the "
            "{limit} % allowed ([agent] max_end_percent).\n"
            "Ended offers disappear from wszystko.pl. If the company's database path is wrong or "
            "the products left the ERP by mistake, answer n and check the configuration."
        ),
        "question": "End these offers?",
        "refused": "Refused: nothing was ended. To end these offers anyway, pass --allow-ends.",
        "yes": "y",
    },
}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("company", help="the company's name, as in the config file")
    jobs = parser.add_argument_group("what to do (default: --offers --orders)")
    jobs.add_argument("--offers", action="store_true", help="send offers and their stock and prices (Wyślij ofertę)")
    jobs.add_argument("--orders", action="store_true", help="import new orders (Pobierz zamówienia)")
    jobs.add_argument("--stock", action="store_true", help="send stock only (Wyślij tylko zasoby)")
    jobs.add_argument("--prices", action="store_true", help="send prices only (Wyślij tylko ceny)")
    jobs.add_argument(
        "--catalogue", action="store_true", help="fetch categories and terms (Pobierz kategorie i warunki)"
    )
    jobs.add_argument("--full", action="store_true", help="resend every offer (Wymuś pełną synchronizację oferty)")
    jobs.add_argument("--binary", action="store_true", help="re-upload every image (Wyślij wszystkie dane binarne)")
    held = parser.add_argument_group("when the company is busy")
    held.add_argument("--yes", action="store_true", help="run even though the last run was interrupted")
    held.add_argument("--wait", action="store_true", help="wait for a running run to end, then run")
    held.add_argument("--force", action="store_true", help="take over from a running run (it stops at its next write)")
    parser.add_argument(
        "--allow-ends",
        action="store_true",
        help="end offers even when more than [agent] max_end_percent of them would end (otherwise asks)",
    )
    parser.add_argument(
        "--operator", help="the operator recorded for this run (default: the company's [company.schedule] operator)"
    )


class ConsoleObserver:
    """Prints a run's progress and failures as they happen, in the operator's language."""

    def __init__(self, language: str = "pl") -> None:
        self._last: dict[str, float] = {}
        self._language = language

    def _job(self, job: str) -> str:
        return text(self._language, f"job.{job}")

    def run_started(self, run: Run) -> None:
        jobs = ", ".join(self._job(job) for job in run.options.jobs)
        print(text(self._language, "sync.started", id=run.id, company=run.company, jobs=jobs), flush=True)

    def job_progress(self, run: Run, job: JobName, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last.get(job, 0.0) < 1.0:
            return
        self._last[job] = now
        print(f"  {self._job(job)}: {done}/{total}", flush=True)

    def item_failed(self, run: Run, outcome: ItemOutcome) -> None:
        print(_failure_line(self._language, outcome), flush=True)

    def run_finished(self, run: Run) -> None:
        pass


def ends_consent(language: str, *, allowed: bool, interactive: bool) -> EndsConsent:
    """Whether to end more offers than allowed: agreed by --allow-ends, asked on a terminal, else refused."""
    texts = ENDS_TEXTS["en" if language == "en" else "pl"]

    async def consent(ending: int, active: int, limit: int) -> bool:
        import asyncio

        from agent.commands.common import typed_choice

        print(texts["warning"].format(ending=ending, active=active, share=ending * 100 // active, limit=limit))
        if allowed:
            return True
        if interactive:
            yes = texts["yes"]
            answer = await asyncio.to_thread(typed_choice, texts["question"], (yes, "n"))
            if answer == yes:
                return True
        print(texts["refused"], file=sys.stderr)
        return False

    return consent


def _options(args: argparse.Namespace) -> RunOptions:
    """The run options the flags ask for; no job flag means the window's defaults."""
    from agent.sync.options import SyncOptions

    chosen = any((args.offers, args.orders, args.stock, args.prices, args.catalogue))
    options = SyncOptions(
        send_offers=args.offers or not chosen,
        fetch_orders=args.orders or not chosen,
        stock_only=args.stock,
        prices_only=args.prices,
        catalogue=args.catalogue,
        force_full=args.full,
        send_all_binary=args.binary,
    )
    return options.run_options()


def run(args: argparse.Namespace) -> int:
    import asyncio

    return asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> int:
    from agent.commands.common import config_from_args
    from agent.runtime.adapters import configured_adapters
    from agent.runtime.service import Runtime

    config = config_from_args(args)
    company = config.company(args.company)
    # The runtime the TUI and the service use, for this one run: no scheduler seat, no schedules.
    runtime = Runtime(config, role="service", schedules=False, adapters=configured_adapters())
    # A missing or unreadable ERP is said now, before the lease is read or anything is asked or sent.
    await runtime.check_erp(company.name)
    await runtime.start()
    try:
        return await _sync(runtime, company.name, args)
    finally:
        await runtime.stop()


async def _sync(runtime: Runtime, company: str, args: argparse.Namespace) -> int:
    """Look at the lease, ask what must be asked, queue the run, wait for it, sum it up."""
    from agent.commands.common import print_error
    from agent.errors import LeaseHeld, RelinkAccount

    config = runtime.config
    language, zone = config.agent.language, config.agent.timezone
    interactive = sys.stdin.isatty()
    run_options = _options(args)
    take_over = args.force
    resume = args.yes or args.force
    queue = runtime.queue
    while True:
        lease = await runtime.lease(company)
        who = lease.describe(language, zone)
        decision = _decide(
            lease.state, who, args, language, interactive=interactive, take_over=take_over, resume=resume
        )
        if decision == "refuse":
            return EXIT_REFUSED
        after_current = decision == "wait"
        if after_current:
            print(text(language, "sync.waiting", who=who), flush=True)
        take_over = take_over or decision == "take_over"
        resume = resume or decision in ("resume", "take_over")
        seen = {run.id for run in queue.finished}, {id(item) for item in queue.not_started}
        try:
            await runtime.request_run(
                company,
                run_options,
                operator=args.operator,
                take_over=take_over,
                resume_interrupted=resume,
                after_current=after_current,
                confirm_ends=ends_consent(language, allowed=args.allow_ends, interactive=interactive),
                observer=ConsoleObserver(language),
            )
        except LeaseHeld:
            # It changed between our look and our request: look again and ask again.
            continue
        except RelinkAccount as exc:
            # The account cannot be used: the run cannot go, nothing is sent: "failed", as when a run finds it.
            print_error(language, exc, company, zone)
            return EXIT_FAILED
        await queue.wait_idle()
        # This runtime runs nothing but what this command asks (no schedules), so what ended since
        # the request is this run; the watcher's events about other processes' runs are not in it.
        finished = [run for run in queue.finished if run.company == company and run.id not in seen[0]]
        if finished:
            return await _summary(runtime.state, finished[-1], language)
        refused = [item.error for item in queue.not_started if id(item) not in seen[1]]
        if not refused:  # a bug stopped it before it was recorded: the log line above says which
            print(text(language, "sync.not_started"), file=sys.stderr)
            return EXIT_FAILED
        if not isinstance(refused[-1], LeaseHeld):
            raise refused[-1]
        # Another process took the company between our look and our take: look again and ask again.
        # A run waited for has ended meanwhile: whatever it left is ours to go on with.
        resume = resume or after_current


def _decide(
    state: str, who: str, args: argparse.Namespace, language: str, *, interactive: bool, take_over: bool, resume: bool
) -> str:
    """What to do about the lease: run, resume, take_over, wait or refuse."""
    from agent.commands.common import typed_choice

    if state == "free":
        return "run"

    def key(name: str) -> str:
        return text(language, f"sync.key.{name}")

    if state == "interrupted":
        print(text(language, "sync.interrupted", who=who))
        if resume:
            return "resume"
        if not interactive:
            print(text(language, "sync.interrupted_refused"), file=sys.stderr)
            return "refuse"
        asked = typed_choice(text(language, "sync.interrupted_question"), (key("yes"), key("no")))
        return "resume" if asked == key("yes") else "refuse"
    print(text(language, "sync.held", who=who))
    if take_over:
        return "take_over"
    if args.wait:
        return "wait"
    if not interactive:
        print(text(language, "sync.held_refused"), file=sys.stderr)
        return "refuse"
    answer = typed_choice(text(language, "sync.held_question"), (key("wait"), key("take_over"), key("cancel")))
    return {key("wait"): "wait", key("take_over"): "take_over"}.get(answer, "refuse")


def _failure_line(language: str, outcome: ItemOutcome) -> str:
    """One failed item: its job, its key and what went wrong, in the language where the words are the job's."""
    return text(
        language,
        "sync.item_failed",
        job=text(language, f"job.{outcome.job}"),
        item=item_label(language, outcome.item),
        message=outcome_message(language, outcome.message, outcome.payload, item=outcome.item, phrase=outcome.phrase),
    )


async def _summary(state: StateDB, finished: Run, language: str) -> int:
    from agent.commands.result_labels import RESULT_LABELS
    from agent.texts import language_of

    result = RESULT_LABELS[language_of(language)].get(finished.result, finished.result)
    print(text(language, "sync.finished", id=finished.id, result=result))
    for job, totals in finished.totals.items():
        label = text(language, f"job.{job}")
        print(text(language, "runs.job_line", job=label, ok=totals.ok, skipped=totals.skipped, failed=totals.failed))
    failures = await state.outcomes(finished.id, only_failed=True)
    for outcome in failures[:20]:
        said = outcome_hint(language, outcome.hint, outcome.error_class, phrase=outcome.hint_phrase)
        hint = f" -> {said}" if outcome.hint else ""
        print(_failure_line(language, outcome) + hint)
    if len(failures) > 20:
        print(text(language, "sync.more", more=plural(language, len(failures) - 20, "items"), id=finished.id))
    if finished.error_summary:
        print(f"  {summary_words(language, finished.error_summary, phrase=finished.summary_phrase)}")
    if any(outcome.error_class == "TooManyEnds" for outcome in failures):
        return EXIT_REFUSED  # nobody agreed to end that many offers: nothing was ended
    return {"success": EXIT_SUCCESS, "partial": EXIT_PARTIAL}.get(finished.result, EXIT_FAILED)
