"""Polish texts of the agent side (the default language)."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # counted words: one / few / many
    "errors.one": "błąd",
    "errors.few": "błędy",
    "errors.many": "błędów",
    "items.one": "pozycja",
    "items.few": "pozycje",
    "items.many": "pozycji",
    # runs
    "runs.none": "Brak przebiegów.",
    "runs.no_such": "Nie ma przebiegu {id}.",
    "runs.usage_show": "użycie: marketsync runs show ID",
    "runs.usage": "użycie: marketsync runs [FIRMA] | marketsync runs show ID",
    "runs.header": "Przebieg {id}: {company}, {trigger}, uruchomił {operator} na {host} (pid {pid})",
    "runs.started": "  start {started}, czas {took}: {result}",
    "runs.job_line": "  {job:<10} ok {ok:>6}  pominięte {skipped:>6}  z błędem {failed:>6}",
    "runs.no_failures": "  Żadna pozycja nie zakończyła się błędem.",
    "runs.trigger.automatic": "automatyczny",
    "runs.trigger.manual": "ręczny",
    "outcome.ok": "ok",
    "outcome.skipped": "pominięta",
    "outcome.failed": "błąd",
    "hint.skipped": "nic do zrobienia: pozycję celowo pominięto",
    "hint.retry": "nic do zrobienia: następny przebieg ponowi próbę",
    "hint.check_erp": "sprawdź dane pozycji w ERP; następny przebieg spróbuje ponownie",
}
