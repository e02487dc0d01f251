"""What a run is asked to do: the options of the seed's "Wymiana danych" window, and the jobs they mean."""

from __future__ import annotations

from dataclasses import dataclass

from agent.domain import JOB_ORDER, JobName
from agent.state.models import RunOptions


@dataclass(frozen=True, slots=True)
class SyncOptions:
    """The "Wymiana danych" checkboxes. Defaults as the seed: send offers and fetch orders."""

    send_offers: bool = True
    """"Wyślij ofertę": offers, and the stock and prices of every changed offer."""
    fetch_orders: bool = True
    """"Pobierz zamówienia": import orders with status new."""
    stock_only: bool = False
    """"Wyślij tylko zasoby"."""
    prices_only: bool = False
    """"Wyślij tylko ceny"."""
    catalogue: bool = False
    """"Pobierz kategorie i warunki": categories with parameters, and offer and delivery terms."""
    force_full: bool = False
    """"Wymuś pełną synchronizację oferty": resend every offer."""
    send_all_binary: bool = False
    """"Wyślij wszystkie dane binarne": re-upload every image."""

    def jobs(self) -> tuple[JobName, ...]:
        """The jobs to run, in the fixed order catalogue, orders, offers, stock, prices."""
        wanted: set[JobName] = set()
        if self.catalogue:
            wanted.add("catalogue")
        if self.fetch_orders:
            wanted.add("orders")
        if self.send_offers:
            wanted.update(("offers", "stock", "prices"))
        if self.stock_only:
            wanted.add("stock")
        if self.prices_only:
            wanted.add("prices")
        return tuple(job for job in JOB_ORDER if job in wanted)

    def run_options(self) -> RunOptions:
        return RunOptions(jobs=self.jobs(), force_full=self.force_full, send_all_binary=self.send_all_binary)


def scheduled_options(jobs: tuple[JobName, ...]) -> RunOptions:
    """A schedule's job list as a run's options: exactly those jobs, in the fixed order."""
    return RunOptions(jobs=tuple(job for job in JOB_ORDER if job in jobs))
