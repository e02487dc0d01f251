"""An item outcome's words (`runs show`, `sync`, the TUI history) in the operator's language.

The jobs record an outcome's message and hint as a text key and its facts (`ItemOutcome.phrase`,
`hint_phrase`), worded here from the catalogue in the reader's language; the English text recorded
beside them is for the log and machine readers. Anything without facts (an answer of the
marketplace, an error's own message) is shown as it was recorded.

A run's summary is kept the same way (`Run.summary_phrase`, worded by `summary_words`).

Legacy: rows recorded before the facts were kept (state schema 2 and older) hold only English.
Their fixed forms are still recognised by the regular expressions below (the publication rules' in
`agent.texts.rules`), a run's summary part by part, and the reconciliation from its JSON payload;
nothing recorded since is worded through them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from agent.errors import Phrase
from agent.texts import TABLES, language_of, plural, text
from agent.texts.phrases import word
from agent.texts.rules import rule_words

# Legacy: the jobs' messages as they recorded them in English before the facts were kept, and the
# text key each becomes.
_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"created offer (?P<offer>\d+)"), "outcome.offer_created"),
    (re.compile(r"replaced offer (?P<offer>\d+)"), "outcome.offer_replaced"),
    (re.compile(r"ended offer (?P<offer>\d+)"), "outcome.offer_ended"),
    (re.compile(r"no offer was created; link forgotten"), "outcome.link_forgotten"),
    (re.compile(r"imported"), "outcome.order_imported"),
    (re.compile(r"already imported; confirmed"), "outcome.order_confirmed"),
    (re.compile(r"handed to the ERP's import; waiting for the RO there"), "outcome.order_handed"),
    (re.compile(r"now (?P<status>\w+) on the marketplace; not imported"), "outcome.order_not_imported"),
    (
        re.compile(r"cancelled on the marketplace; its RO is open in the ERP, which the agent does not write"),
        "outcome.cancel_by_hand",
    ),
    (re.compile(r"cancelled on the marketplace; RO (?P<what>cancelled|already cancelled|not found)"), ""),
    (re.compile(r"offer (?P<offer>\d+): (?P<value>[\d.]+)"), "outcome.offer_value"),
    (re.compile(r"no changes"), "outcome.catalogue_unchanged"),
    (re.compile(r"the process running it ended"), "outcome.process_ended"),
    (
        re.compile(
            r"the marketplace sent this order in a shape the agent cannot read; it stays new and is read again next run"
        ),
        "outcome.hint.unreadable_order",
    ),
    (re.compile(r"fix the cause; the order stays new and is imported by the next run"), "outcome.hint.quarantined"),
    (re.compile(r"the catalogue was fetched first \(the ERP had no copy yet\)"), "outcome.catalogue_first"),
    (
        re.compile(
            r"(?P<operator>.+) agreed to end (?P<ending>\d+) of (?P<active>\d+) active offers "
            r"\((?P<share>\d+) %\), more than the (?P<limit>\d+) % allowed"
        ),
        "outcome.ends_agreed",
    ),
    (
        re.compile(
            r"this run would end (?P<ending>\d+) of (?P<active>\d+) active offers \((?P<share>\d+) %\), "
            r"more than the (?P<limit>\d+) % allowed \(\[agent\] max_end_percent\); nothing was sent"
        ),
        "outcome.ends_refused",
    ),
)
_JOB_PART = re.compile(r"(?P<job>catalogue|orders|offers|stock|prices): (?P<said>.+)")
_CATALOGUE_PART = re.compile(r"(?P<kind>[a-z_]+) \+(?P<added>\d+) ~(?P<changed>\d+) -(?P<removed>\d+)")


def item_label(language: str, item: str) -> str:
    """An item key as shown: the keys named by a word ("reconciliation", "catalogue") in the language."""
    return TABLES[language_of(language)].get(f"item.{item}", item)


def outcome_message(
    language: str, message: str, payload: str | None = None, *, item: str = "", phrase: Phrase | None = None
) -> str:
    """An outcome's message in `language`: worded from its facts (`phrase`) when it has them; else
    `message` as recorded (a legacy row's fixed forms recognised and worded)."""
    if phrase is not None:
        worded = phrase_words(language, phrase)
        if worded is not None:
            return worded
    if item == "reconciliation" and payload:
        worded = _reconciliation(language, payload)
        if worded is not None:
            return worded
    return _single(language, message) or summary_words(language, message)


def _single(language: str, message: str) -> str | None:
    """`message` worded when it is, whole, one of the jobs' forms; None otherwise."""
    table = TABLES[language_of(language)]
    for form, form_key in _FORMS:
        found = form.fullmatch(message)
        if found is not None:
            values = found.groupdict()
            # An empty key: the RO's own outcome names it.
            key = form_key or "outcome.order_cancelled_" + values.pop("what").replace(" ", "_")
            if "status" in values:
                values["status"] = table.get(f"order_status.{values['status']}", values["status"])
            return text(language, key, **values)
    parts = message.split(", ")
    if parts and all(_CATALOGUE_PART.fullmatch(part) for part in parts):
        return ", ".join(_catalogue_part(language, part) for part in parts)
    return None


def summary_words(language: str, summary: str, *, phrase: Phrase | None = None) -> str:
    """A run's summary ("offers: ...; the catalogue was fetched first ...") in `language`: worded from
    its facts (`phrase`) when it has them.

    Legacy (a run recorded before the facts were kept): its parts are joined by "; ", which a message
    may hold itself: the longest run of parts that is one known form is worded as one.
    """
    if phrase is not None:
        said = phrase_words(language, phrase)
        if said is not None:
            return said
    parts = summary.split("; ")
    worded: list[str] = []
    start = 0
    while start < len(parts):
        for end in range(len(parts), start, -1):
            said = _known(language, "; ".join(parts[start:end]))
            if said is not None:
                worded.append(said)
                start = end
                break
        else:  # a message of its own (an error's): the job's name is still a word of ours
            job = _JOB_PART.fullmatch(parts[start])
            worded.append(parts[start] if job is None else f"{text(language, 'job.' + job['job'])}: {job['said']}")
            start += 1
    return "; ".join(worded)


def _known(language: str, part: str) -> str | None:
    """`part` worded when it is one of the jobs' forms (after a job's name, perhaps); None otherwise."""
    found = _JOB_PART.fullmatch(part)
    if found is not None:
        said = _known(language, found["said"])
        return None if said is None else f"{text(language, 'job.' + found['job'])}: {said}"
    return _single(language, part) or rule_words(language, part)


def _catalogue_part(language: str, part: str) -> str:
    found = _CATALOGUE_PART.fullmatch(part)
    assert found is not None  # checked by the caller
    kind = TABLES[language_of(language)].get(f"catalogue_kind.{found['kind']}", found["kind"])
    return f"{kind} +{found['added']} ~{found['changed']} -{found['removed']}"


def _reconciliation(language: str, payload: str) -> str | None:
    try:
        facts = json.loads(payload)
    except ValueError:
        return None  # not the report's facts: the message as recorded
    return reconciliation_words(language, facts) if isinstance(facts, dict) else None


def reconciliation_words(language: str, facts: Mapping[str, Any]) -> str | None:
    """The orders job's reconciliation report from its facts, in `language`; None for facts of another shape."""
    try:
        values = {
            "days": plural(language, int(facts["days"]), "days"),
            "orders": int(facts["marketplace_orders"]),
            "documents": int(facts["documents"]),
            "missing": len(facts["missing"]),
            "doubled": len(facts["doubled"]),
            "waiting": len(facts["waiting"]),
            "cancelled_open": len(facts["cancelled_open"]),
        }
    except (ValueError, KeyError, TypeError):
        return None
    return text(language, "outcome.reconciliation", **values)


def phrase_words(language: str, phrase: Phrase) -> str | None:
    """`phrase` in `language`; None when this version of the agent cannot word it (a key it does not
    know, recorded by another version): the recorded text is shown then."""
    try:
        return word(language, phrase)
    except (KeyError, IndexError, ValueError, TypeError):
        return None


def outcome_hint(language: str, hint: str, error_class: str = "", *, phrase: Phrase | None = None) -> str:
    """An outcome's hint in `language`: worded from its facts (`phrase`) when it has them; a class's own
    hint (recorded in English) from the catalogue; else as recorded (a legacy row's rules' hints worded)."""
    if phrase is not None:
        worded = phrase_words(language, phrase)
        if worded is not None:
            return worded
    table = TABLES[language_of(language)]
    if error_class and f"hint.{error_class}" in table and hint == TABLES["en"].get(f"hint.{error_class}"):
        return table[f"hint.{error_class}"]
    for key, english in TABLES["en"].items():
        if key.startswith("hint.") and english == hint and "{" not in english:
            return table[key]
    return summary_words(language, hint)  # the rules' hints, one by one
