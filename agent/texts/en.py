"""English texts of the agent side."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # counted words: one / other
    "errors.one": "error",
    "errors.other": "errors",
    "items.one": "item",
    "items.other": "items",
    # runs
    "runs.none": "No runs yet.",
    "runs.no_such": "No run {id}.",
    "runs.usage_show": "usage: marketsync runs show ID",
    "runs.usage": "usage: marketsync runs [COMPANY] | marketsync runs show ID",
    "runs.header": "Run {id}: {company}, {trigger} by {operator} on {host} (pid {pid})",
    "runs.started": "  started {started}, took {took}: {result}",
    "runs.job_line": "  {job:<10} ok {ok:>6}  skipped {skipped:>6}  failed {failed:>6}",
    "runs.no_failures": "  No item failed.",
    "runs.trigger.automatic": "automatic",
    "runs.trigger.manual": "manual",
    "outcome.ok": "ok",
    "outcome.skipped": "skipped",
    "outcome.failed": "failed",
    "hint.skipped": "nothing to do: the item was left out on purpose",
    "hint.retry": "nothing to do: the next run retries it",
    "hint.check_erp": "check the item's data in the ERP; the next run tries it again",
    # what a person reads around errors
    "cli.error": "error: {message}",
    "cli.hint": "hint: {hint}",
    "cli.not_built": "marketsync {command}: not built yet.",
    "problems.one": "problem",
    "problems.other": "problems",
    "companies.one": "company",
    "companies.other": "companies",
    "config.found": "{problems} found.",
    "config.ok": "OK: {companies} configured.",
    "hint.ConfigError": "fix the configuration file and run `marketsync config check`",
    "hint.RetryLater": "it will be retried; if it persists, check the network and the marketplace status",
    "hint.LeaseHeld": "wait for it to finish, or take it over explicitly",
    "hint.RelinkAccount": "link the account again: `marketsync connect {company}`",
    "hint.MalformedAnswer": "the item is kept aside; report it if it repeats",
    "hint.StorageError": "check the file named in the message; restore it from a backup if it is damaged",
    "hint.Bug": "please report this with the log file",
    "hint.LeaseLost": "another run took over this company's sync; this run stopped without writing",
    "hint.LeaseInterrupted": "the previous run was interrupted; run again to resume it (confirm, or pass --yes)",
    "hint.RunStopped": "the agent was stopping; the next run goes on from where this one stopped",
    "hint.TooManyEnds": (
        "check the company's database path and which products are shared for sale; to end them anyway "
        "run `marketsync sync {company} --offers --allow-ends`"
    ),
}
