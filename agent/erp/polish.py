"""Polish sample words and valid identifiers for the seed: EAN-13, NIP, names, streets, cities.

Everything takes a `random.Random`, so the same seed always gives the same data.
"""

from __future__ import annotations

import random

EAN_WEIGHTS = (1, 3) * 6
NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def ean13(body12: str) -> str:
    """The 12 digits plus their EAN-13 check digit."""
    if len(body12) != 12 or not body12.isdigit():
        raise ValueError(f"EAN-13 needs 12 digits before the check digit, got {body12!r}")
    total = sum(int(d) * w for d, w in zip(body12, EAN_WEIGHTS, strict=True))
    return body12 + str((10 - total % 10) % 10)


def ean13_valid(ean: str) -> bool:
    return len(ean) == 13 and ean.isdigit() and ean13(ean[:12]) == ean


def nip_check_digit(first9: str) -> int | None:
    """The NIP check digit of these 9 digits; None when it would be 10 (no valid NIP starts so)."""
    digit = sum(int(d) * w for d, w in zip(first9, NIP_WEIGHTS, strict=True)) % 11
    return None if digit == 10 else digit


def nip_valid(nip: str) -> bool:
    return len(nip) == 10 and nip.isdigit() and nip_check_digit(nip[:9]) == int(nip[9])


def random_nip(rng: random.Random) -> str:
    while True:
        # Tax office prefixes start at 1 (never 0); draw until the checksum is not 10.
        first9 = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(8))
        digit = nip_check_digit(first9)
        if digit is not None:
            return first9 + str(digit)


FIRST_NAMES = (
    "Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa", "Krystyna", "Magdalena",
    "Joanna", "Zofia", "Julia", "Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Jan", "Michał",
    "Marcin", "Jakub", "Adam", "Łukasz", "Grzegorz", "Wojciech", "Mateusz", "Stanisław", "Józef",
)  # fmt: skip
LAST_NAMES = (
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
    "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski", "Krawczyk",
    "Piotrowski", "Grabowski", "Nowakowski", "Pawłowski", "Michalski", "Król", "Wieczorek", "Jabłoński",
)  # fmt: skip
COMPANY_WORDS = (
    "Ogród", "Dom", "Agro", "Techno", "Market", "Handel", "Serwis", "Bud", "Eko", "Meble", "Sport",
    "Auto", "Zielony", "Pol", "Mazowsze", "Warmia", "Śląsk", "Bałtyk", "Tatry", "Wisła", "Odra",
)  # fmt: skip
COMPANY_FORMS = ("Sp. z o.o.", "S.A.", "Sp.j.", "s.c.", "P.H.U.", "F.H.U.")
STREETS = (
    "Marszałkowska", "Długa", "Polna", "Leśna", "Słoneczna", "Krótka", "Szkolna", "Ogrodowa", "Lipowa",
    "Brzozowa", "Łąkowa", "Kwiatowa", "Kościuszki", "Mickiewicza", "Piłsudskiego", "Sienkiewicza",
    "3 Maja", "Jana Pawła II", "Wojska Polskiego", "Kolejowa", "Parkowa", "Różana",
)  # fmt: skip
CITIES = (
    ("Warszawa", "00"), ("Kraków", "30"), ("Łódź", "90"), ("Wrocław", "50"), ("Poznań", "60"),
    ("Gdańsk", "80"), ("Szczecin", "70"), ("Bydgoszcz", "85"), ("Lublin", "20"), ("Białystok", "15"),
    ("Katowice", "40"), ("Gdynia", "81"), ("Częstochowa", "42"), ("Radom", "26"), ("Toruń", "87"),
    ("Kielce", "25"), ("Rzeszów", "35"), ("Olsztyn", "10"), ("Opole", "45"), ("Zielona Góra", "65"),
)  # fmt: skip
MAIL_DOMAINS = ("wp.pl", "onet.pl", "o2.pl", "gmail.com", "interia.pl", "op.pl")

_ASCII = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits only, for e-mail local parts and codes."""
    return "".join(ch for ch in text.translate(_ASCII).lower() if ch.isalnum())


def address(rng: random.Random) -> tuple[str, str, str | None, str, str]:
    """(street, building number, flat number, post code, city)."""
    city, prefix = rng.choice(CITIES)
    flat = str(rng.randint(1, 60)) if rng.random() < 0.4 else None
    post_code = f"{prefix}-{rng.randint(0, 999):03d}"
    return f"ul. {rng.choice(STREETS)}", str(rng.randint(1, 180)), flat, post_code, city


def contractor(rng: random.Random, n: int) -> dict[str, str | None]:
    """A company (with a valid NIP) two times in three, else a private person (no NIP)."""
    street, building, flat, post_code, city = address(rng)
    if rng.random() < 0.66:
        words = rng.sample(COMPANY_WORDS, 2)
        name = f"{words[0]}{words[1].lower()} {rng.choice(COMPANY_FORMS)}"
        nip: str | None = random_nip(rng)
        email = f"biuro@{ascii_slug(words[0] + words[1])}{n}.pl"
    else:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if first.endswith("a") and last.endswith("ski"):
            last = last[:-1] + "a"
        name = f"{first} {last}"
        nip = None
        email = f"{ascii_slug(first)}.{ascii_slug(last)}{n}@{rng.choice(MAIL_DOMAINS)}"
    phone = f"+48 {rng.randint(500, 899)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
    return {
        "code": f"K{n:06d}",
        "name": name,
        "nip": nip,
        "email": email,
        "phone": phone,
        "street": street,
        "building_number": building,
        "flat_number": flat,
        "post_code": post_code,
        "city": city,
    }


DESCRIPTION_OPENINGS = (
    "{name} to sprawdzony wybór do kategorii {category}.",
    "Przedstawiamy {name} – solidny produkt marki {brand}.",
    "{name}: jakość marki {brand} w rozsądnej cenie.",
    "Szukasz produktu z kategorii {category}? {name} spełni oczekiwania.",
)
DESCRIPTION_MIDDLES = (
    "Starannie wykonany, trwały i wygodny w codziennym użytkowaniu.",
    "Wykonany z materiałów wysokiej jakości, odporny na intensywne użytkowanie.",
    "Prosty w obsłudze, łatwy w czyszczeniu i przechowywaniu.",
    "Doskonale sprawdzi się zarówno w domu, jak i w pracy.",
    "Produkt objęty gwarancją producenta.",
)
DESCRIPTION_CLOSINGS = (
    "Wysyłka w ciągu 24 godzin od zaksięgowania wpłaty.",
    "Towar fabrycznie nowy, z polskiej dystrybucji.",
    "Wystawiamy faktury VAT.",
    "Zapraszamy do zapoznania się z pozostałymi produktami w naszym sklepie.",
)


def description(rng: random.Random, name: str, brand: str, category: str) -> str:
    opening = rng.choice(DESCRIPTION_OPENINGS).format(name=name, brand=brand, category=category.lower())
    middle = " ".join(rng.sample(DESCRIPTION_MIDDLES, 2))
    return f"{opening} {middle} {rng.choice(DESCRIPTION_CLOSINGS)}"
