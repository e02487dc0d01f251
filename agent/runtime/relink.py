"""Moving a company to a different seller account: what happens to its offers, and the consent.

Linking a company that was linked to account A and finding the new tokens belong to account B is
not a token refresh: every offer the agent made lives on A. Moving is a deliberate step. The person
is told how many offers stay live on A (untouched, no longer updated by the agent); once they agree,
A's offer links are set aside (kept, never deleted) so the next run creates the offers on B. No run
of the company may go meanwhile: the company's run lock is held from the set-aside until the new
tokens are stored, so no run can start with the old tokens and no links (that would create every
offer a second time on A).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from agent.config import Config
from agent.errors import AccountChangeRefused, Count
from agent.file_lock import FileLock
from agent.logs import say
from agent.paths import Paths
from agent.state.store import StateDB
from agent.sync.lease import LOCK_GRACE, lock_path


@dataclass(frozen=True, slots=True)
class AccountMove:
    """What moving one company to another seller account means, for the person to agree to."""

    company: str
    old_account: str
    new_account: str
    active_offers: int
    """Offers the agent made that are live on the old account now; they stay there."""


AskMove = Callable[[AccountMove], Awaitable[bool]]


class AccountMoveGuard:
    """The `confirm_new_account` of `link_company`: refuses while a run of the company goes, asks,
    sets the old account's links aside, and holds the company's run lock until `release()` (call
    it in a `finally` after `link_company` returned or failed)."""

    def __init__(self, config: Config, company: str, ask: AskMove) -> None:
        self._config = config
        self._company = company
        self._ask = ask
        self._lock = FileLock(lock_path(Paths.from_config(config).locks_dir, company))
        self.moved: AccountMove | None = None
        """The move agreed and done (links set aside), if any."""

    async def __call__(self, old_account: str, new_account: str) -> bool:
        name = self._company
        busy = AccountChangeRefused(
            f"{name}: a run of this company is going; it stays linked to {old_account}",
            hint=f"wait for the run to end (or stop it), then run `marketsync connect {name}` again",
        )
        if not await self._lock.acquire_within(LOCK_GRACE):
            raise busy
        try:
            async with StateDB.for_config(self._config) as state:
                sent = await state.sent_values(name)
                active = sum(1 for v in sent.values() if v.status == "active" and v.offer_id is not None)
                move = AccountMove(name, old_account, new_account, active)
                if not await self._ask(move):
                    self._lock.release()
                    return False
                await state.set_aside_links(name, old_account)
        except BaseException:
            self._lock.release()
            raise
        self.moved = move
        offers = Count(active, "n.offer")
        say("WARNING", "log.relink.moved", company=name, old=old_account, new=new_account, offers=offers)
        return True

    def release(self) -> None:
        self._lock.release()
