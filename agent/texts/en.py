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
}
