"""The network promises checked after a faulty run and its quiet runs (records from `wire`), and the
figures each case prints on one line."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from tests.reliability.wire import (
    CREATE,
    TIGHT,
    WRITES,
    NetWorld,
    deadline_ratios,
    doubled_effects,
    early_requests,
    lost_writes,
    retry_after_margins,
    writes_sent,
)
from tests.sync.conftest import COMPANY


async def effects_since(net: NetWorld) -> dict[str, int]:
    """The simulator's effects per write route since the faulty run began."""
    now = await net.world.effects()
    return {r: now.get(r, 0) - net.effects_at_start.get(r, 0) for r in WRITES}


async def effects_problems(net: NetWorld) -> list[str]:
    """Every write that took effect more than once, and every offer the agent does not know once.

    - per effect route, the simulator's effects since the faulty run began <= the distinct writes
      the agent sent since then (`wire.doubled_effects`);
    - each offer ever created is one create effect (effects == offers on the account), no
      externalId has two offers (ended ones included), and every offer is the one a link holds;
    - every create whose answer was lost or broken left exactly one offer with its externalId;
    - no write whose answer was lost took effect twice in all its requests (`wire.lost_writes`).
    """
    world = net.world
    now = await world.effects()
    since = await effects_since(net)
    exchanges = [e for e in net.wire.exchanges if e.run >= 1]
    problems = doubled_effects(since, exchanges)
    problems += lost_writes(exchanges)[1]

    offers = await world.sim_offers()
    if now.get(CREATE, 0) != len(offers):
        problems.append(f"{now.get(CREATE, 0)} create effects but {len(offers)} offers on the account")
    per_external = Counter(o["externalId"] for o in offers)
    problems += [f"externalId {x} has {n} offers" for x, n in per_external.items() if n > 1]
    linked = {link.offer_id for link in (await world.state.all_links(COMPANY)).values()}
    problems += [f"offer {o['id']} ({o['externalId']}) is on no link" for o in offers if o["id"] not in linked]
    unanswered = {e.external_id for e in exchanges if e.route == CREATE and (e.status is None or e.status >= 500)}
    problems += [f"create of {x} lost its answer; {per_external[x]} offers now" for x in unanswered
                 if per_external[x] != 1]  # fmt: skip
    return problems


@dataclass(frozen=True, slots=True)
class Figures:
    """One case's numbers."""

    faulty: str
    fired: int
    calls: int
    worst_ratio: float
    worst: str
    attempts: int
    worst_attempt_ratio: float
    limited: int
    margin: float | None
    early: list[str]
    effects: dict[str, int] = field(default_factory=dict)
    writes: dict[str, int] = field(default_factory=dict)
    unanswered_writes: int = 0
    lost: dict[int, int] = field(default_factory=dict)
    """Writes without a usable answer, by how many times they took effect (where it can be told)."""

    def line(self) -> str:
        margin = "-" if self.margin is None else f"{self.margin:+.3f} s"
        effects = ", ".join(f"{r.split()[1]} {self.effects.get(r, 0)}/{self.writes.get(r, 0)}" for r in WRITES)
        return (
            f"faulty run {self.faulty}, {self.fired} faults fired; {self.calls} calls, worst duration/deadline "
            f"{self.worst_ratio:.3f} ({self.worst}); attempts of the faulty run {self.attempts}, worst "
            f"{self.worst_attempt_ratio:.3f} of the attempt timeout; 429s {self.limited}, earliest next request "
            f"{margin} after Retry-After, early {len(self.early)}; effects/distinct writes {effects}; "
            f"writes without an answer {self.unanswered_writes}; such writes by times they took effect "
            f"{dict(sorted(self.lost.items()))}"
        )


def figures_of(
    net: NetWorld, *, faulty_run: int, fired: int, faulty: str, effects: dict[str, int] | None = None
) -> Figures:
    calls = net.engine.calls
    ratios = deadline_ratios(calls)
    worst_call = max(calls, key=lambda c: c.ratio) if calls else None
    exchanges = net.wire.exchanges
    attempts = [e for e in exchanges if e.run == faulty_run]
    attempt_ratios = [(e.end - e.start) / TIGHT.attempt_timeout for e in attempts]
    margins = retry_after_margins(exchanges)
    later = [e for e in exchanges if e.run >= faulty_run]
    return Figures(
        faulty=faulty,
        fired=fired,
        calls=len(calls),
        worst_ratio=ratios[0] if ratios else 0.0,
        worst=f"{worst_call.what}, {worst_call.end - worst_call.start:.2f} s of {worst_call.deadline:g} s"
        + (f", {worst_call.error}" if worst_call.error else "")
        if worst_call
        else "-",
        attempts=len(attempts),
        worst_attempt_ratio=max(attempt_ratios, default=0.0),
        limited=sum(1 for e in exchanges if e.retry_after is not None),
        margin=min(margins) if margins else None,
        early=early_requests(exchanges),
        effects=effects or {},
        writes=dict(writes_sent(later)),
        unanswered_writes=sum(1 for e in attempts if e.write and (e.status is None or e.status >= 500)),
        lost=dict(lost_writes(later)[0]),
    )
