"""Polish wording of the command line's `--help`, keyed by the English text the commands declare.

The commands declare their help in English (`agent/commands/*.py`); `agent.help_parser` looks each
text up here when the configured language is Polish. argparse's own words (usage, options, the
`-h` line, its error messages) are here too. A text missing here stays English, and
tests/texts/test_help_language.py fails on it.
"""

from __future__ import annotations

HELP_PL: dict[str, str] = {
    # argparse's own words
    "usage: ": "użycie: ",
    "positional arguments": "argumenty pozycyjne",
    "options": "opcje",
    "show this help message and exit": "pokaż tę pomoc i zakończ",
    "the following arguments are required: ": "brak wymaganych argumentów: ",
    "unrecognized arguments: ": "nieznane argumenty: ",
    "invalid choice: ": "nieznany wybór: ",
    "choose from ": "wybierz spośród ",
    "expected one argument": "brak wartości",
    "must be 0 or more": "musi być liczbą 0 lub większą",
    "must be 1 or more": "musi być liczbą 1 lub większą",
    "must be between 0 and 1": "musi być liczbą od 0 do 1",
    "invalid int value: ": "to nie jest liczba całkowita: ",
    "invalid float value: ": "to nie jest liczba: ",
    "argument ": "argument ",
    "error: ": "błąd: ",
    # metavars and positional names
    "COMMAND": "POLECENIE",
    "ACTION": "CZYNNOŚĆ",
    "COMPANY": "FIRMA",
    "company": "FIRMA",
    "COMPANY | show ID": "FIRMA | show ID",
    "what": "FIRMA | show ID",
    "PATH": "ŚCIEŻKA",
    "PRODUCTS": "LICZBA",
    "PERCENT": "PROCENT",
    "LIMIT": "LICZBA",
    "SEED": "ZIARNO",
    "HOST": "ADRES",
    "OPERATOR": "OPERATOR",
    "DIR": "KATALOG",
    "FILE": "PLIK",
    "SECONDS": "SEKUNDY",
    "SHARE": "UDZIAŁ",
    # marketsync
    "Keeps an ERP and the wszystko.pl marketplace in step.": "Utrzymuje zgodność ERP z serwisem wszystko.pl.",
    "the configuration file (default: $MARKETSYNC_CONFIG, else the user config dir)": (
        "plik konfiguracji (domyślnie: $MARKETSYNC_CONFIG, a bez niej katalog konfiguracji użytkownika)"
    ),
    "log DEBUG to the console": "zapisuj w konsoli także komunikaty DEBUG",
    # subcommands, one line each
    "check and show the configuration": "sprawdź i pokaż konfigurację",
    "the ERP: seed sample data, touch products (embedded ERP), show counts (embedded or Optima)": (
        "ERP: dane przykładowe, zmiany produktów (wbudowany ERP), liczniki (wbudowany albo Optima)"
    ),
    "a Comarch ERP Optima company: keep its SQL password in the keyring": (
        "firma w Comarch ERP Optima: hasło SQL w pęku kluczy systemu"
    ),
    "run the local wszystko.pl simulator": "uruchom lokalny symulator wszystko.pl",
    "link a company to its wszystko.pl account": "połącz firmę z jej kontem wszystko.pl",
    "unlink a company from its account and forget its tokens": "odłącz firmę od konta i zapomnij jej tokeny",
    "connection, schedule and last run of every company": "połączenie, harmonogram i ostatni przebieg każdej firmy",
    "run a sync of one company now": "synchronizuj teraz jedną firmę",
    "the headless service: run schedules until stopped": "usługa bez interfejsu: harmonogramy do zatrzymania",
    "run history and per-item outcomes": "historia przebiegów i wyniki pozycji",
    "the terminal UI": "interfejs w terminalu",
    "the terminal UI: dashboard, live log, manual sync": (
        "interfejs w terminalu: pulpit, dziennik na żywo, synchronizacja ręczna"
    ),
    "a self-contained demo: simulator, three companies, the TUI": (
        "samodzielny pokaz: symulator, trzy firmy, interfejs w terminalu"
    ),
    # config
    "validate the file; print the effective config (exit 0) or every error (exit 2)": (
        "sprawdź plik; pokaż obowiązującą konfigurację (kod 0) albo wszystkie błędy (kod 2)"
    ),
    # connect, disconnect
    "the company's name as in the configuration": "nazwa firmy jak w konfiguracji",
    "only print the page to open, never open a browser": "tylko wypisz stronę do otwarcia, nie otwieraj przeglądarki",
    "link again a company that is linked already": "połącz ponownie firmę, która jest już połączona",
    "unlink without being asked (its syncs stop)": "rozłącz bez pytania (synchronizacje firmy ustaną)",
    "agree beforehand to move the company to a different seller account (its offers stay on the old one)": (
        "zgoda z góry na przeniesienie firmy na inne konto sprzedawcy (jej oferty zostają na starym)"
    ),
    # demo
    "run the service and print events, no TUI": "uruchom usługę i wypisuj zdarzenia, bez interfejsu",
    "the demo's home folder (default: demo under the data dir)": ("katalog pokazu (domyślnie: demo w katalogu danych)"),
    "products seeded per company (default 300)": "liczba produktów na firmę (domyślnie 300)",
    "orders the simulator's buyers place a minute (default 3)": (
        "zamówienia kupujących symulatora na minutę (domyślnie 3)"
    ),
    # erp
    "fill an empty company database with realistic Polish sample data": (
        "wypełnij pustą bazę firmy realistycznymi polskimi danymi przykładowymi"
    ),
    "the company's name in the configuration": "nazwa firmy w konfiguracji",
    "how many products (default 1000)": "liczba produktów (domyślnie 1000)",
    "random seed: the same seed gives the same data": "ziarno losowania: to samo ziarno daje te same dane",
    "delete the company database first": "najpierw usuń bazę firmy",
    "change some products as a busy shop would": "zmień część produktów, jak w ruchliwym sklepie",
    "share of products to change, 0-100": "procent produktów do zmiany, 0-100",
    "random seed (default: different every time)": "ziarno losowania (domyślnie: za każdym razem inne)",
    "counts and change counters of a company database": "liczby i liczniki zmian bazy firmy",
    # optima
    "ask for the SQL login's password and keep it in the keyring": (
        "zapytaj o hasło loginu SQL i zachowaj je w pęku kluczy systemu"
    ),
    # run
    "run every enabled company's scheduled jobs once, then exit": (
        "wykonaj raz zaplanowane zadania każdej włączonej firmy i zakończ"
    ),
    "print no event lines (logs still go to files)": "nie wypisuj zdarzeń (dzienniki nadal trafiają do plików)",
    # runs
    "a company's history, or `show ID` for one run's items": "historia firmy albo `show ID`: pozycje jednego przebiegu",
    "how many runs to list (default 30)": "ile przebiegów pokazać (domyślnie 30)",
    "with show: list the items that went through too": "z show: pokaż też pozycje przetworzone poprawnie",
    # simulator
    "address to listen on (default 127.0.0.1)": "adres nasłuchu (domyślnie 127.0.0.1)",
    "port (default 8765; 0 = any free port)": "port (domyślnie 8765; 0 = dowolny wolny)",
    "approve every device code at once, for a new seller account each": (
        "zatwierdzaj od razu każdy kod urządzenia, każdy dla nowego konta sprzedawcy"
    ),
    "seed of the generated accounts and buyers": "ziarno losowania kont i kupujących",
    "per-account rate limit (default 600; 0 = off)": "limit żądań na konto na minutę (domyślnie 600; 0 = bez limitu)",
    "access token lifetime (default 43200: 12 hours, as live)": (
        "ważność tokenu dostępu (domyślnie 43200: 12 godzin, jak w serwisie)"
    ),
    "buyers place orders on their own at this rate (default 0 = only via /_sim/orders)": (
        "kupujący sami składają zamówienia w tym tempie (domyślnie 0 = tylko przez /_sim/orders)"
    ),
    "share of the buyers' orders cancelled before the seller imports them (default 0.05)": (
        "część zamówień anulowanych przed pobraniem przez sprzedawcę (domyślnie 0.05)"
    ),
    "share of the buyers' orders cancelled once in process (default 0.03)": (
        "część zamówień anulowanych w trakcie realizacji (domyślnie 0.03)"
    ),
    "keep the whole platform in this SQLite file, so a restart carries on (default: memory)": (
        "trzymaj cały serwis w tym pliku SQLite, by po restarcie działał dalej (domyślnie: w pamięci)"
    ),
    "serve without the TCP front (no reset/cut/drip/lost faults; for comparisons)": (
        "działaj bez warstwy TCP (bez usterek reset/cut/drip/lost; do porównań)"
    ),
    # sync
    "the company's name, as in the config file": "nazwa firmy, jak w pliku konfiguracji",
    "what to do (default: --offers --orders)": "co zrobić (domyślnie: --offers --orders)",
    "send offers and their stock and prices (Wyślij ofertę)": "Wyślij ofertę (z zasobami i cenami)",
    "import new orders (Pobierz zamówienia)": "Pobierz zamówienia (nowe)",
    "send stock only (Wyślij tylko zasoby)": "Wyślij tylko zasoby",
    "send prices only (Wyślij tylko ceny)": "Wyślij tylko ceny",
    "fetch categories and terms (Pobierz kategorie i warunki)": "Pobierz kategorie i warunki",
    "resend every offer (Wymuś pełną synchronizację oferty)": "Wymuś pełną synchronizację oferty",
    "re-upload every image (Wyślij wszystkie dane binarne)": "Wyślij wszystkie dane binarne (każde zdjęcie)",
    "when the company is busy": "gdy firma jest zajęta",
    "run even though the last run was interrupted": "uruchom, choć poprzedni przebieg został przerwany",
    "wait for a running run to end, then run": "poczekaj na koniec trwającego przebiegu i uruchom",
    "take over from a running run (it stops at its next write)": (
        "przejmij firmę od trwającego przebiegu (zatrzyma się przy najbliższym zapisie)"
    ),
    "end offers even when more than [agent] max_end_percent of them would end (otherwise asks)": (
        "kończ oferty, nawet gdy to więcej niż [agent] max_end_percent (inaczej pyta)"
    ),
    "the operator recorded for this run (default: the company's [company.schedule] operator)": (
        "operator zapisany w przebiegu (domyślnie operator z harmonogramu firmy)"
    ),
}
