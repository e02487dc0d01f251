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
    # what a person reads around errors
    "cli.error": "błąd: {message}",
    "cli.hint": "wskazówka: {hint}",
    "cli.not_built": "marketsync {command}: jeszcze niedostępne.",
    "problems.one": "problem",
    "problems.few": "problemy",
    "problems.many": "problemów",
    "companies.one": "firma",
    "companies.few": "firmy",
    "companies.many": "firm",
    "config.found": "Znaleziono {problems}.",
    "config.ok": "OK: {companies} w konfiguracji.",
    "hint.ConfigError": "popraw plik konfiguracji i uruchom `marketsync config check`",
    "hint.RetryLater": "nastąpi ponowna próba; jeśli błąd się powtarza, sprawdź sieć i stan serwisu",
    "hint.LeaseHeld": "poczekaj na koniec trwającego przebiegu albo przejmij firmę jawnie",
    "hint.RelinkAccount": "połącz konto ponownie: `marketsync connect {company}`",
    "hint.MalformedAnswer": "pozycję odłożono; zgłoś to, jeśli się powtarza",
    "hint.StorageError": "sprawdź plik wskazany w komunikacie; jeśli jest uszkodzony, odtwórz go z kopii",
    "hint.Bug": "zgłoś to, załączając plik dziennika",
    "hint.LeaseLost": "inny przebieg przejął synchronizację tej firmy; ten przebieg zatrzymał się bez zapisu",
    "hint.LeaseInterrupted": (
        "poprzedni przebieg został przerwany; uruchom ponownie, by go wznowić (potwierdź albo dodaj --yes)"
    ),
    "hint.RunStopped": "agent się zatrzymywał; następny przebieg zacznie tam, gdzie ten skończył",
    "hint.TooManyEnds": (
        "sprawdź ścieżkę do bazy firmy i produkty udostępnione do sprzedaży; aby mimo to zakończyć oferty, "
        "uruchom `marketsync sync {company} --offers --allow-ends`"
    ),
    # jobs, as a person names them
    "job.catalogue": "kategorie i warunki",
    "job.orders": "zamówienia",
    "job.offers": "oferty",
    "job.stock": "zasoby",
    "job.prices": "ceny",
    # the company's lease
    "lease.free": "wolna",
    "lease.kind.automatic": "automatyczny",
    "lease.kind.manual": "ręczny",
    "lease.who": "{kind} przebieg (operator {operator}, stanowisko {host}, pid {pid})",
    "lease.since": "od {started}, ostatni sygnał o {beat}",
    "lease.running": "trwa {who}, {since}",
    "lease.interrupted": "ostatni {who} został przerwany ({since})",
    # `marketsync sync`
    "sync.started": "Przebieg {id} firmy {company}: {jobs}",
    "sync.item_failed": "  ! {job} {item}: {message}",
    "sync.waiting": "Czekam na koniec trwającego przebiegu: {who}",
    "sync.interrupted": "Poprzedni przebieg tej firmy został przerwany: {who}.",
    "sync.interrupted_refused": "Odmowa: dodaj --yes, by mimo to uruchomić (przebieg wznowi to, co zostało).",
    "sync.interrupted_question": "Uruchomić teraz?",
    "sync.held": "Tę firmę zajmuje inny przebieg: {who}.",
    "sync.held_refused": "Odmowa: dodaj --wait, by uruchomić po nim, albo --force, by go przejąć.",
    "sync.held_question": "Czekać na niego (c), przejąć go (p) czy anulować (a)?",
    "sync.key.yes": "t",
    "sync.key.no": "n",
    "sync.key.wait": "c",
    "sync.key.take_over": "p",
    "sync.key.cancel": "a",
    "sync.finished": "Przebieg {id} zakończony: {result}",
    "sync.more": "  ... pozostałe: {more}, zob. marketsync runs show {id}",
}
