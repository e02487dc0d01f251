"""Polish sentences of the errors the stores and adapters raise, worded from their facts.

The keys are those of `agent.texts.errors_en`.
"""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # why part of a marketplace answer cannot be read (a field named as the answer names it)
    "shape.not_object": "{where} nie jest obiektem JSON",
    "shape.not_list": "{where} nie jest listą JSON",
    "shape.field": "pole `{field}`",
    "shape.missing_str": "brakuje pola `{field}` lub nie jest ono tekstem",
    "shape.not_str": "pole `{field}` nie jest tekstem",
    "shape.missing_int": "brakuje pola `{field}` lub nie jest ono liczbą całkowitą",
    "shape.missing_bool": "brakuje pola `{field}` lub nie jest ono wartością logiczną (true/false)",
    "shape.missing_number": "brakuje pola `{field}` lub nie jest ono liczbą",
    "shape.unknown_value": "pole `{field}` ma nieznaną wartość {value}",
    "shape.not_time": "pole `{field}` nie jest czasem w formacie ISO 8601",
    "shape.missing_id": "brakuje pola `{field}` lub nie jest ono identyfikatorem",
    "shape.no_items": "zamówienie bez pozycji",
    "shape.element": "{what} nr {n}: {reason}",
    "shape.read_error": "błąd odczytu {kind}: {detail}",
    "err.answer_not_json": "{call}: odpowiedź nie jest w formacie JSON ({kind})",
    "err.answer_unexpected": "{call}: nieoczekiwana odpowiedź wszystko.pl ({reason})",
    "err.order_malformed": "nieczytelne zamówienie ({reason})",
    "err.orders_page_unreadable": "strona {page} zamówień: {reason}",
    # a call of the marketplace as an unreadable answer names it
    "call.orders_page": "strona {page} zamówień",
    "call.order": "zamówienie {order}",
    "call.statuses": "statusy zamówień ({n})",
    "call.device_registration": "rejestracja urządzenia",
    "call.linking_tokens": "tokeny łączenia konta",
    "call.connection_check": "sprawdzenie połączenia",
    # the token store, the OS keyring
    "err.keyring": "pęk kluczy systemu",
    "err.tokens_unreadable": "{where}: zapisanych tokenów nie da się odczytać",
    "errhint.link_again": "połącz konto ponownie",
    "err.file_unreadable_as": "{path}: nie da się odczytać ({detail})",
    "err.keyring_unreadable": "nie można odczytać pęku kluczy systemu ({kind})",
    "err.keyring_unwritable": "nie można zapisać w pęku kluczy systemu ({kind})",
    "err.keyring_missing": 'token_store = "keyring", ale pęk kluczy systemu jest niedostępny',
    "errhint.keyring_missing": 'zainstaluj lub odblokuj pęk kluczy albo ustaw token_store = "file"',
    "err.link_no_connection": "sprawdzenie połączenia: wszystko.pl nie wymienia żadnego połączenia",
    "err.categories_pages": "kategorie: liczba stron ({pages}) jest niewiarygodna",
    "err.token_unexpected": "odświeżanie tokenu: nieoczekiwana odpowiedź wszystko.pl",
    "err.token_no_refresh": "odświeżanie tokenu: w odpowiedzi brakuje tokenu odświeżania",
    # Optima
    "err.optima_no_password": "hasła SQL Optimy nie ma jeszcze w pęku kluczy systemu",
    "errhint.optima_set_password": "uruchom `marketsync optima set-password {company}`",
    "err.optima_no_table": '{company}: erp = "optima" wymaga tabeli [company.optima]',
    "err.optima_unreachable": "baza Optimy jest nieosiągalna: {kind}",
    "err.optima_refused": "baza Optimy odrzuciła zapytanie: {kind}",
    "err.optima_no_import_folder": "zamówienia nie mogą trafić do Optimy: w [company.optima] brak import_folder",
    "errhint.optima_import_folder": "ustaw import_folder na folder, z którego Optima importuje dokumenty XML",
    "err.optima_price_type_missing": "rodzaj ceny \u201e{name}\u201d nie istnieje w Optimie (rodzaje cen: {known})",
    "errhint.optima_price_type": "ustaw w [company] price_type na jeden z nich",
    "err.optima_warehouse_missing": "magazyn {missing} nie istnieje w Optimie (magazyny: {known})",
    "errhint.optima_warehouses": "ustaw w [company] warehouses symbole magazynów z Optimy",
    "err.lease_file_busy": "plik {name} jest zajęty (inny przebieg właśnie zajmuje firmę); spróbuj ponownie",
    "err.lease_taken_over": (
        "inny przebieg przejął tę firmę (token {stored}, ten przebieg {fence}); ten przebieg przestaje zapisywać"
    ),
    # the company database and its lease
    "err.none": "brak",
    "err.price_type_missing": "rodzaj ceny \u201e{name}\u201d nie istnieje w bazie firmy (są: {known})",
    "err.warehouses_missing": "magazyny {warehouses}: nie wszystkie istnieją w bazie firmy",
    "err.lease_token_moved": "{path}: token zajęcia firmy to {current}, nie {token}: przejął ją inny przebieg",
    "err.lease_token_gone": "{path}: firma nie jest już zajęta z tokenem {token} (teraz token {current})",
    "err.fence_stale": "{path}: token {fence} jest nieaktualny (firma ma teraz token {stored})",
    "errhint.company_no_wal": "trzymaj bazę firmy na dysku lokalnym, nie w udziale sieciowym",
    "err.seed_version": "{path}: wersja schematu {version}, oczekiwana {expected}; najpierw otwórz bazę",
    "err.seed_not_empty": "{path}: w bazie są już produkty ({products})",
    "errhint.seed_not_empty": "wypełnij pustą bazę firmy (usuń plik albo użyj --replace)",
    "err.sqlite_said": "{path}: {detail}",
    # the catalogue copy
    "err.catalogue_twice": "katalog: dwie pozycje ({kind}) mają ten sam identyfikator {id}",
    "err.catalogue_parameters_of": "parametry kategorii {category}",
    "err.catalogue_kind.categories": "kategorie",
    "err.catalogue_kind.shipping_methods": "metody dostawy",
    "err.catalogue_kind.shipping_tariffs": "cenniki dostawy",
    "err.catalogue_kind.return_policies": "warunki zwrotów",
    "err.catalogue_kind.complaint_policies": "warunki reklamacji",
    "err.catalogue_kind.guarantees": "gwarancje",
    "err.catalogue_kind.payment_methods": "metody płatności",
    # saving a schedule into the configuration file
    "err.config_not_toml": "{path}: to nie jest poprawny plik TOML: {detail}",
    "err.config_no_company": "{path}: nie ma firmy \u201e{company}\u201d",
    "err.config_unwritable": "{path}: nie da się zapisać: {detail}",
    # a run stopped by the process
    "err.run_stopped": "agent się zatrzymuje; ten przebieg zatrzymał się między pozycjami",
}
