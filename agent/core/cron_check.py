"""What is wrong with a cron expression, said precisely enough for a form field. Pure: no I/O.

croniter decides what is valid (the config loader and the scheduler use it too); this module only
explains a refusal: the expression is empty, has the wrong number of fields, or one field is out
of its range or malformed (found by trying each field alone in an otherwise all-`*` expression).
The result is structured, so a front end can say it in its own language; `describe_cron_problem`
says it in English for the config file's messages.

    cron_problem("*/15 8-25 * * 1-5")  # CronProblem("field", "8-25", field="hour")
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from croniter import croniter

CRON_EXAMPLE = "*/15 8-17 * * 1-5"
"""Every quarter of an hour from 8:00 to 17:45, Monday to Friday."""

CronField = Literal["minute", "hour", "day", "month", "weekday", "second", "year"]
CRON_FIELDS: tuple[CronField, ...] = ("minute", "hour", "day", "month", "weekday", "second", "year")
"""croniter's field order: five classic fields, then optional seconds, then an optional year."""

CRON_ALLOWED: dict[CronField, str] = {
    "minute": "0-59",
    "hour": "0-23",
    "day": "1-31",
    "month": "1-12, jan-dec",
    "weekday": "0-7, sun-sat",
    "second": "0-59",
    "year": "1970-2099",
}
"""Each field's values; any of them also takes `*`, lists `a,b`, ranges `a-b` and steps `/n`."""

CronProblemKind = Literal["empty", "count", "field", "invalid"]


@dataclass(frozen=True, slots=True)
class CronProblem:
    """Why croniter refuses an expression.

    `kind`: "empty"; "count" (`found` is the number of fields); "field" (`field` names the first
    field refused on its own, `found` is its text); "invalid" (no single field is to blame, such
    as an unknown `@` nickname; `found` is the expression).
    """

    kind: CronProblemKind
    found: str
    field: CronField | None = None


def normalize_cron(expression: str) -> str:
    """The expression with single spaces between its fields, as it is saved."""
    return " ".join(expression.split())


def cron_problem(expression: str) -> CronProblem | None:
    """What is wrong with `expression`, or None when croniter accepts it."""
    text = normalize_cron(expression)
    if not text:
        return CronProblem("empty", "")
    if croniter.is_valid(text):
        return None
    parts = text.split(" ")
    if text.startswith("@"):
        return CronProblem("invalid", text)
    if len(parts) not in (5, 6, 7):
        return CronProblem("count", str(len(parts)))
    for index, part in enumerate(parts):
        probe = ["*"] * len(parts)
        probe[index] = part
        if not croniter.is_valid(" ".join(probe)):
            return CronProblem("field", part, field=CRON_FIELDS[index])
    return CronProblem("invalid", text)


def describe_cron_problem(problem: CronProblem) -> str:
    """The problem in one English line that ends with an example."""
    example = f'for example "{CRON_EXAMPLE}" (every 15 min from 8:00 to 17:45, Monday to Friday)'
    if problem.kind == "empty":
        return f"empty: write a cron expression, {example}"
    if problem.kind == "count":
        return f"found {problem.found} fields, allowed: 5 (minute hour day month weekday); {example}"
    if problem.kind == "field" and problem.field is not None:
        return (f'the {problem.field} field is "{problem.found}", allowed: '
                f"{CRON_ALLOWED[problem.field]}; {example}")
    return f'found "{problem.found}", allowed: a cron expression; {example}'
