"""A long-lived racing process: `python -m tests.reliability.racer CONFIG COMPANY`.

Reads one command a line on stdin and answers one line on stdout, so a race costs a pipe write,
not an interpreter start:
    acquire [resume] [takeover]  -> "held TOKEN" | "running" | "interrupted"
    release                      -> "released"
    fenced NAME                  -> "erp=lost|wrote market=lost|open" (an ERP write and a write check
                                    with this process's token, after another took over)
    session                      -> "ok" | "error CLASS" (the marketplace connection: refreshes tokens)
    die                          -> SIGKILL, holding whatever it holds
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from agent.config import load_config
from agent.core.orders import MARKETPLACE
from agent.domain import ContractorData, DocumentDraft, DocumentLine
from agent.erp.sqlite import SqliteErp
from agent.errors import LeaseHeld, LeaseInterrupted, LeaseLost
from agent.marketplace.accounts import open_client
from agent.paths import Paths
from agent.sync.lease import CompanyLease, lock_path


async def _fenced(erp: SqliteErp, lease: CompanyLease, token: int, name: str) -> str:
    product = (await erp.shared_product_ids())[0]
    draft = DocumentDraft(
        marketplace=MARKETPLACE,
        order_id=name,
        series="RO",
        issued=datetime.now(UTC),
        contractor=ContractorData(name="Jan Kowalski", email="jan@example.pl"),
        payment_form="przelew",
        lines=(DocumentLine(product_id=product, quantity=1, unit_gross_price=Decimal("10.00")),),
    )
    try:
        await erp.create_document(draft, match_contractors=True, create_contractors=True, fence=token)
        erp_answer = "wrote"
    except LeaseLost:
        erp_answer = "lost"
    try:
        await lease.check()
        market_answer = "open"
    except LeaseLost:
        market_answer = "lost"
    return f"erp={erp_answer} market={market_answer}"


async def main(config_path: Path, company: str) -> None:
    config = load_config(config_path)
    erp = await SqliteErp.open(config.company(company).database, check=False)
    lock = lock_path(Paths.from_config(config).locks_dir, company)
    lease: CompanyLease | None = None
    token = 0
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    async with open_client(config, company) as market:
        while line := (await reader.readline()).decode().split():
            command, flags = line[0], set(line[1:])
            answer = ""
            if command == "acquire":
                lease = CompanyLease(erp, lock, kind="manual", operator=f"R{os.getpid()}", takeover_wait=0.2)
                try:
                    await lease.acquire(take_over="takeover" in flags, resume_interrupted="resume" in flags)
                    token = lease.token
                    answer = f"held {token}"
                except LeaseInterrupted:  # a kind of LeaseHeld: ask for it first
                    answer, lease = "interrupted", None
                except LeaseHeld:
                    answer, lease = "running", None
            elif command == "release":
                if lease is not None:
                    await lease.release()
                answer, lease = "released", None
            elif command == "fenced" and lease is not None:
                answer = await _fenced(erp, lease, token, line[1])
            elif command == "session":
                try:
                    await market.check_connection()
                    answer = "ok"
                except Exception as exc:  # the answer names it; the test decides
                    answer = f"error {exc.__class__.__name__}"
            elif command == "die":
                os.kill(os.getpid(), signal.SIGKILL)
            print(answer or f"unknown {command}", flush=True)
    await erp.close()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), sys.argv[2]))
