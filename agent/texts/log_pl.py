"""Polish texts of the log lines a person reads and of the agent's errors worded from their facts.

The keys are those of `agent.texts.log_en`; counted words have the three Polish forms.
"""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # counted words: one / few / many
    "n.run.one": "przebieg",
    "n.run.few": "przebiegi",
    "n.run.many": "przebiegów",
    "n.schedule.one": "harmonogram",
    "n.schedule.few": "harmonogramy",
    "n.schedule.many": "harmonogramów",
    "n.company.one": "firmę",
    "n.company.few": "firmy",
    "n.company.many": "firm",
    "n.fire.one": "pominięte uruchomienie",
    "n.fire.few": "pominięte uruchomienia",
    "n.fire.many": "pominiętych uruchomień",
    "n.product.one": "produkt",
    "n.product.few": "produkty",
    "n.product.many": "produktów",
    "n.offer.one": "oferta",
    "n.offer.few": "oferty",
    "n.offer.many": "ofert",
    "n.order.one": "zamówienie",
    "n.order.few": "zamówienia",
    "n.order.many": "zamówień",
    "n.ro.one": "RO",
    "n.ro.few": "RO",
    "n.ro.many": "RO",
    "n.category.one": "kategoria",
    "n.category.few": "kategorie",
    "n.category.many": "kategorii",
    # words a log line names
    "log.level.WARNING": "UWAGA",
    "log.level.ERROR": "BŁĄD",
    "log.no_jobs": "brak zadań",
    "log.run.internal": "błąd wewnętrzny {kind}: {detail}",
    "log.role.service": "usługa",
    "log.role.tui": "TUI",
    "log.trigger.automatic": "automatyczny",
    "log.trigger.manual": "ręczny",
    "log.result.success": "sukces",
    "log.result.partial": "częściowo",
    "log.result.failed": "błąd",
    "log.result.interrupted": "przerwany",
    "log.lease_state.free": "wolna",
    "log.lease_state.running": "trwa przebieg",
    "log.lease_state.interrupted": "przerwany przebieg",
    "log.seat.nobody": "przez nikogo",
    "log.seat.held": "na stanowisku {host} (pid {pid}, {role}) od {since}",
    # the runtime
    "log.history.prune_failed": "nie udało się wyczyścić historii przebiegów: {error}",
    "log.history.pruned": "historia przebiegów: usunięte (zakończone ponad {days} dni temu): {runs}",
    "log.service.config_refused": (
        "zmieniony plik konfiguracji odrzucono; obowiązuje dotychczasowy: {problems}"
    ),
    "log.service.config_reloaded": "konfigurację wczytano ponownie; zmienione: {schedules}",
    "log.service.watching": "tylko obserwacja: harmonogram jest zajęty {where}",
    "log.service.signal": "{signal}: zatrzymywanie; trwające zadania zatrzymają się w najbliższym punkcie kontrolnym",
    "log.service.stopped": "zatrzymano",
    "log.service.watch_failed": "nie udało się sprawdzić innych przebiegów: {error}",
    "log.seat.scheduling": "harmonogram obejmuje {companies} ({role}, stanowisko {host}, pid {pid})",
    "log.seat.heartbeat_failed": "sygnał życia harmonogramu nie powiódł się: {error}",
    "log.seat.taken": "harmonogram przejęty {where}; ten proces tylko obserwuje",
    "log.seat.free": "harmonogram był wolny; prowadzi go teraz ten proces",
    "log.queue.cancelled": "anulowano ręczny przebieg czekający w kolejce",
    "log.queue.dropped": "agent się zatrzymuje; porzucone z kolejki (ręczne): {runs}",
    "log.queue.late": "przerwane, bo nie doszły do punktu kontrolnego w {grace:.0f} s: {runs}",
    "log.queue.not_started": "przebieg ({trigger}) nie wystartował: {error}",
    "log.queue.could_not_start": "przebieg ({trigger}) nie mógł wystartować: {error}",
    "log.queue.bug": "przebieg ({trigger}) przerwał błąd programu",
    "log.detail_error": "{error}",
    "log.fires.still_running_detail": "poprzedni przebieg jeszcze trwa",
    "log.fires.still_running": "pominięto zaplanowany przebieg: poprzedni jeszcze trwa",
    "log.fires.connection_error": "zaplanowanego przebiegu nie podjęto: błąd połączenia ({detail})",
    "log.fires.coalesced": "ten przebieg zastępuje: {fires}",
    "log.relink.moved": (
        "przeniesiono z konta {old} na {new}; aktywne na {old}, już bez aktualizacji: {offers}; "
        "następny przebieg utworzy oferty na nowym koncie"
    ),
    "log.scheduler.fire_failed": "obsługa zaplanowanego uruchomienia nie powiodła się",
    "log.scheduler.cannot_compute": "nie da się wyliczyć harmonogramu: {error}",
    "log.detail": ": {detail}",
    "conn.detail.relink": "połącz konto ponownie (marketsync connect)",
    "conn.detail.not_linked": "konto niepołączone: uruchom marketsync connect",
    "log.connections.status": "połączenie: {status}{detail}",
    # the marketplace
    "log.accounts.linked": "połączono z kontem {account} w wszystko.pl; token odświeżania ważny do {until}",
    "log.client.lost_found": "oferta produktu {product}: odpowiedź zaginęła, ale oferta {offer} powstała",
    "log.client.lost_again": "oferta produktu {product}: odpowiedź zaginęła, a oferty nie ma; ponowne wysłanie",
    "log.connection.unreadable": "nie da się odczytać stanu połączenia firmy {who}; traktowana jako niepołączona",
    "log.connection.error": "błąd połączenia: {reason}; połącz konto ponownie",
    "log.calls.retry": "{error}; próba {attempt} za {pause:.2f} s",
    "log.calls.rate_limited": "{method} {path}: wszystko.pl ogranicza liczbę zapytań; przerwa {wait:.1f} s",
    "kind.category": "kategoria",
    "kind.failure": "błąd zbiorczej zmiany",
    "kind.file": "plik",
    "kind.offer": "oferta",
    "kind.order_status": "status zamówienia",
    "kind.parameter": "parametr",
    "kind.payment_method": "metoda płatności",
    "kind.policy": "warunki",
    "kind.session": "sesja",
    "kind.shipping_method": "metoda dostawy",
    "kind.shipping_tariff": "cennik dostawy",
    "kind.tracking_number": "numer przesyłki",
    "kind.order": "zamówienie",
    "kind.answer": "odpowiedź",
    "kind.value": "wartość",
    "kind.shipping": "dostawa",
    "kind.item": "pozycja",
    "kind.address": "adres",
    "kind.buyer": "kupujący",
    "kind.tariff_cost": "koszt w cenniku dostawy",
    "kind.method": "metoda w cenniku dostawy",
    "kind.tariff": "cennik dostawy",
    "kind.status": "status zamówienia",
    "kind.waybill": "przesyłka",
    "log.sales.unreadable": "odłożono nieczytelny element ({kind} {item}): {reason}",
    "log.shared_limit.fallback": (
        "wspólny limit zapytań {path}: {error}; ten proces liczy tylko własne zapytania"
    ),
    # the databases
    "log.sqlite.migrated": "{file} {name}: zaktualizowano do wersji schematu {version}",
    "log.state.open": "baza stanu {path} otwarta (schemat {version})",
    "log.state.rollback_failed": "wycofanie zmian w bazie stanu {path} nie powiodło się: {error}",
    # a run and its jobs
    "log.run.started": "przebieg {id} rozpoczęty ({trigger}, {operator}): {jobs}",
    "log.run.started_over": "przebieg {id} rozpoczęty ({trigger}, {operator}): {jobs}; przejęty od: {before}",
    "log.run.finished": "przebieg {id} zakończony: {result}",
    "log.run.finished_errors": "przebieg {id} zakończony: {result} ({errors})",
    "log.run.job_error": "{job}: {error}",
    "log.run.job_stopped": "zadanie {job} zatrzymane: {error}",
    "log.run.job_stopped_run": "zadanie {job} zatrzymało przebieg: {error}",
    "log.run.job_failed": "zadanie {job} nie powiodło się: {error}",
    "log.run.job_bug": "zadanie {job} przerwał błąd programu",
    "log.lease.taken": "blokada firmy zajęta (żeton {token}, wcześniej: {before})",
    "log.lease.not_stopped": (
        "przejęty przebieg jeszcze się nie zatrzymał; ten idzie dalej, tamten nie może już zapisywać"
    ),
    "log.lease.taken_over": "ten przebieg przejął inny; zatrzyma się przy najbliższym zapisie",
    "log.lease.heartbeat_failed": "sygnał życia blokady nie powiódł się: {error}",
    "log.catalogue.done": "kategorie i warunki: {categories}; dodane {added}, zmienione {changed}, usunięte {removed}",
    "log.offers.catalogue_first": "oferty: ERP nie ma kopii kategorii; najpierw pobieranie kategorii i warunków",
    "log.offers.summary": (
        "oferty: utworzone {created}, zastąpione {replaced}, zakończone {ended}, bez zmian {unchanged}, "
        "wysłane zdjęcia {uploaded}, z błędem {failed}"
    ),
    "log.offers.retry_next": (
        "oferty: z błędem: {products}; następny przebieg odczyta je najpierw"
    ),
    "log.offers.ends_refused": (
        "oferty: ten przebieg zakończyłby {ending} z {active} aktywnych ofert ({share} %), więcej niż dozwolone "
        "{limit} %; odmowa, nic nie wysłano"
    ),
    "log.offers.ends_agreed": (
        "oferty: {operator} zgodził się zakończyć {ending} z {active} aktywnych ofert ({share} %), więcej niż "
        "dozwolone {limit} %"
    ),
    "log.offers.gone": "oferty: oferty {offer} już nie ma; powiązanie oznaczone jako zakończone",
    "log.orders.imported": "zamówienia: zaimportowane {imported} z {total} nowych",
    "log.orders.cancelled": "zamówienia: anulowane po anulowaniu ich zamówień: {ros}",
    "log.stock_prices.done": (
        "{job}: odczytane zmiany: {read}, oferty: {offers}, zapytania: {calls}, z błędem: {failed}"
    ),
    # the ERP (Optima)
    "log.optima.vat": (
        "produkt Optimy {product} ma stawkę VAT {rate}, której wszystko.pl nie zna; wysłano jako 23%"
    ),
    "log.optima.version": (
        "wersja bazy Optimy {version} nie należy do sprawdzonych z tym agentem ({known}): odczyt może zawieść, "
        "jeśli Comarch zmienił tabele; zgłoś to, załączając dziennik"
    ),
    "log.optima.cancelled_taken": (
        "zamówienie {order} anulowano, zanim Optima pokazała jego RO, ale plik {file} został już pobrany: "
        "usuń dokument z bufora importu Optimy"
    ),
    # the TUI
    "log.tui.stop_slow": "środowisko uruchomieniowe nie zatrzymało się w {seconds:.0f} s; wyjście mimo to",
    "log.tui.stop_failed": "zatrzymywanie środowiska uruchomieniowego: {error}",
    # errors, worded from their facts
    "err.marketplace_said": "wszystko.pl odpowiedział: \u201e{message}\u201d",
    "err.call": "{method} {path}",
    "err.no_answer": "{call}: wszystko.pl nie odpowiada ({kind})",
    "err.answer_lost": "{call}: odpowiedź zaginęła ({kind}); żądanie mogło zostać wykonane",
    "err.answered_status": "{call}: wszystko.pl odpowiedział kodem {status}",
    "err.answer_lost_status": "{call}: wszystko.pl odpowiedział kodem {status}; żądanie mogło zostać wykonane",
    "err.no_time_left": "{call}: zabrakło czasu na zapytanie",
    "err.rate_limited": "{call}: przekroczono limit zapytań wszystko.pl",
    "err.rate_no_time": "{call}: limit zapytań nie zostawia czasu na zapytanie",
    "err.breaker_open": "{host} nie odpowiada: zapytania wstrzymane na {seconds:.0f} s",
    "errhint.breaker_open": "wszystko.pl kilka razy z rzędu zawiódł; wkrótce nastąpi ponowna próba",
    "err.forbidden": "{call}: konto nie ma do tego uprawnień (403)",
    "err.forbidden_said": "{call}: konto nie ma do tego uprawnień (403); {said}",
    "err.refused": "{call}: wszystko.pl odrzucił żądanie ({status})",
    "err.refused_said": "{call}: wszystko.pl odrzucił żądanie ({status}); {said}",
    "err.not_found": "{call}: nie ma tego w wszystko.pl",
    "err.lease_interrupted": "ostatni przebieg tej firmy został przerwany: {lease}",
    "err.lease_held": "tę firmę zajmuje inny przebieg: {lease}",
    "err.lease_first": "inny przebieg zajął tę firmę pierwszy: {lease}",
    "err.lease_lost": "inny przebieg przejął tę firmę; ten przebieg się zatrzymał",
    "err.lease_not_held": "ten przebieg nie zajmuje firmy",
    "err.too_many_ends": (
        "ten przebieg zakończyłby {ending} z {active} aktywnych ofert ({share} %), więcej niż dozwolone {limit} % "
        "([agent] max_end_percent); nic nie wysłano"
    ),
    # an item that cannot go through, worded from its facts
    "err.item.order_no_items": "zamówienie {order} nie ma pozycji",
    "err.item.order_no_email": "zamówienie {order} nie ma adresu e-mail kupującego",
    "err.item.order_unknown_offer": (
        "zamówienie {order}: pozycja {line} (oferta {offer}, \u201e{title}\u201d) nie jest ofertą utworzoną "
        "przez tego agenta"
    ),
    "errhint.item.order_unknown_offer": "połącz ofertę z produktem w ERP albo wprowadź zamówienie ręcznie",
    "err.item.order_quantity": "zamówienie {order}: pozycja {line} ma ilość {quantity}",
    "err.item.order_negative_price": "zamówienie {order}: pozycja {line} ma ujemną cenę",
    "err.item.warehouses_missing": "magazyny {warehouses}: nie wszystkie istnieją",
    "err.item.line_quantity": "pozycja {line}: ilość {quantity} jest mniejsza niż 1",
    "err.item.line_no_product": "pozycja {line}: nie ma produktu o identyfikatorze {product}",
    "err.item.no_shipping_product": "nie ma usługi wysyłki o kodzie \u201e{code}\u201d",
    "err.item.no_image": "w bazie firmy nie ma zdjęcia o skrócie sha256 {sha256}",
    "err.item.no_image_optima": "w Optimie nie ma zdjęcia o skrócie sha256 {sha256}",
    "err.item.no_product": "nie ma produktu o identyfikatorze {product}",
    "err.item.optima_quantity": "ilość {quantity} produktu {product} jest mniejsza niż 1",
    "err.item.optima_no_product": "produkt {product} nie istnieje w Optimie",
    "err.item.optima_no_shipping": "usługa wysyłki \u201e{code}\u201d nie istnieje w Optimie",
    "err.item.image_unreadable": "to nie jest czytelne zdjęcie ({reason})",
    "err.item.image_format": "format zdjęcia {format} to nie JPEG, PNG ani WebP",
    "err.item.image_format_unknown": "nieznany format zdjęcia; potrzebny JPEG, PNG albo WebP",
    "err.item.image_small": "zdjęcie ma {width} x {height} px; potrzeba co najmniej {side} x {side}",
    "err.item.offer_vanished": (
        "tworzenie oferty {product}: wszystko.pl twierdzi, że oferta istnieje, ale nie może jej znaleźć"
    ),
    "err.item.end_unknown_offer": "kończenie oferty {offer}: nie ma takiej oferty w wszystko.pl",
    "err.item.offer_unreadable": "wyszukiwanie oferty {product}: nie da się odczytać oferty (\u201e{reason}\u201d)",
    "err.item.no_stored_file": "wysyłanie zdjęcia {name}: w odpowiedzi nie ma zapisanego pliku",
    "err.reason.relink": "konto trzeba połączyć ponownie",
    "err.reason.removed": "tokeny usunięto (konto rozłączone)",
    "err.reason.refused": "wszystko.pl odrzucił token odświeżania (invalid_grant)",
    "err.reason.fresh_refused": "wszystko.pl odrzuca świeżo odświeżony token",
    "log.tokens.adopted": "przyjęto tokeny odświeżone przez inny proces",
    "log.tokens.refreshed": "token dostępu odświeżony; ważny do {until}",
    "log.tokens.no_keyring": "brak systemowego pęku kluczy: tokeny trafiają do plików 0600",
    "err.token_no_time": "odświeżanie tokenu: brak odpowiedzi w czasie przewidzianym na zapytanie",
    "err.token_refused": "odświeżenie tokenu odrzucone: {reason}",
    "err.token_rate_limited": "odświeżanie tokenu: przekroczono limit zapytań wszystko.pl",
    "err.token_status": "odświeżanie tokenu: wszystko.pl odpowiedział kodem {status}",
    "err.token_no_answer": "odświeżanie tokenu: brak odpowiedzi ({kind})",
    "err.token_unreadable": "odświeżanie tokenu: nieczytelna odpowiedź ({kind})",
    "err.token_busy": "inny proces zbyt długo odświeża tokeny tego konta",
    "err.relink": "{company}: {reason}",
    "err.not_linked": "{company}: nie połączono konta wszystko.pl",
    "err.token_refused_fresh": "wszystko.pl odrzuca świeżo odświeżony token",
    "err.service_runs": "usługa już działa {where}",
    "errhint.service_runs": "najpierw zatrzymaj tamtą; przebiegi planuje jedna usługa na instalację",
    "err.account_unusable": "{company}: konta nie da się użyć ({detail})",
    "err.not_moved": "{company}: nie przeniesiono z konta {old} na {new}; nic się nie zmieniło",
    "err.link_unreachable": "łączenie: wszystko.pl jest nieosiągalny ({kind})",
    "err.link_status": "łączenie: sprawdzenie połączenia zwróciło kod {status}",
    "err.db_folder": "nie da się utworzyć folderu bazy stanu {path}: {detail}",
    "err.file_unwritable": "{path}: nie da się zapisać ({detail})",
    "err.file_unremovable": "{path}: nie da się usunąć ({detail})",
    "err.file_unreadable": "{path}: nie da się odczytać: {detail}",
    "err.log_folder": "{path}: nie da się odczytać folderu dzienników: {detail}",
    "err.link_denied": "Odmówiono dostępu: użytkownik nie zgodził się na połączenie na stronie wszystko.pl",
    "errhint.link_denied": "uruchom ponownie `marketsync connect {company}` i zezwól na dostęp",
    "err.link_expired": "Kod wygasł: kod stracił ważność, zanim połączenie zatwierdzono",
    "errhint.link_expired": "uruchom ponownie `marketsync connect {company}` i zatwierdź w podanym czasie",
    "err.link_refused": "wszystko.pl odrzucił połączenie ({detail})",
    "errhint.link_refused": "uruchom ponownie `marketsync connect {company}`",
    "err.link_register_status": "łączenie: wszystko.pl odpowiedział kodem {status} na rejestrację",
    "err.link_stopped": "łączenie: wszystko.pl przestał odpowiadać ({kind})",
    "err.link_faults": "łączenie: wszystko.pl odpowiedział kodem {status} {faults} razy z rzędu",
    "log.link.slow_down": "łączenie: wszystko.pl prosi o rzadsze pytania; teraz co {seconds:.0f} s",
    "file.state": "baza stanu",
    "file.company": "baza firmy",
    "file.simulator": "baza zapisanego stanu symulatora",
    "err.db_permission": "{path}: {file} nie daje się otworzyć ani zapisać ({detail})",
    "errhint.db_permission": (
        "sprawdź właściciela i uprawnienia pliku i jego folderu (użytkownik agenta musi móc czytać i zapisywać oba)"
    ),
    "err.db_damaged": "{path}: {file} jest uszkodzona ({detail}); pozostawiono ją bez zmian",
    "errhint.db_damaged.state": (
        "odtwórz ją z kopii albo odsuń na bok i zacznij od nowa (historia przebiegów i ostatnio wysłane dane "
        "przepadną; oferty zostaną odnalezione po externalId)"
    ),
    "errhint.db_damaged.company": (
        "odtwórz ją z kopii; do tego czasu nie synchronizuj tej firmy (przebieg mógłby zakończyć jej oferty)"
    ),
    "errhint.db_damaged.simulator": (
        "odsuń ją na bok, by uruchomić symulator od nowa (jego konta, oferty i zamówienia będą wtedy nowe)"
    ),
    "hint.DatabaseBusy": (
        "sprawdź, czy żaden zawieszony proces marketsync jej nie trzyma; następny przebieg spróbuje ponownie"
    ),
    "err.db_not_sqlite": "to nie jest baza SQLite",
    "err.db_unreadable": "{path}: {file} nie daje się odczytać: {detail}",
    "err.db_full": (
        "{path}: {file} nie dała się zapisać: dysk jest pełny (SQLite: {detail}); nic z tej zmiany nie zapisano"
    ),
    "errhint.db_full": "zwolnij miejsce na tym dysku i uruchom ponownie",
    "err.db_busy": "{path}: {file} pozostała zablokowana przez inny proces (SQLite: {detail})",
    "err.db_constraint": "{path}: zapis do {file} naruszył ograniczenie: {detail}",
    "err.db_failed": "{path}: {file}: operacja nie powiodła się: {detail}",
    "err.db_newer": (
        "{path}: {file} została zapisana przez nowszą wersję marketsync (wersja schematu {version}; ta zna do "
        "{known}); pozostawiono ją bez zmian"
    ),
    "errhint.db_newer": "zaktualizuj marketsync albo użyj kopii zrobionej przez tę wersję",
    "err.db_no_wal": "{path}: {file} nie może używać dziennika WAL (tryb: {mode})",
    "errhint.db_no_wal": "trzymaj katalog agenta na dysku lokalnym, nie w udziale sieciowym",
}
