"""Generated buyers: Polish names, addresses, phone numbers, and companies with a valid NIP.

Pure: everything comes from the `random.Random` passed in, so a seed gives the same buyers.
"""

from __future__ import annotations

import random
import unicodedata
from typing import Any, Final

_FIRST_F: Final = ("Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa", "Zofia", "Joanna",
                   "Magdalena", "Aleksandra", "Natalia", "Weronika", "Julia", "Grażyna")
_FIRST_M: Final = ("Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Jan", "Michał", "Marcin", "Grzegorz",
                   "Łukasz", "Jakub", "Mateusz", "Wojciech", "Zbigniew", "Jerzy")
# Surnames as (masculine, feminine).
_LAST: Final = (("Nowak", "Nowak"), ("Kowalski", "Kowalska"), ("Wiśniewski", "Wiśniewska"),
                ("Wójcik", "Wójcik"), ("Kowalczyk", "Kowalczyk"), ("Kamiński", "Kamińska"),
                ("Lewandowski", "Lewandowska"), ("Zieliński", "Zielińska"), ("Szymański", "Szymańska"),
                ("Woźniak", "Woźniak"), ("Dąbrowski", "Dąbrowska"), ("Kozłowski", "Kozłowska"),
                ("Jankowski", "Jankowska"), ("Mazur", "Mazur"), ("Krawczyk", "Krawczyk"), ("Grabowski", "Grabowska"))
_CITIES: Final = (("Warszawa", "00"), ("Kraków", "30"), ("Łódź", "90"), ("Wrocław", "50"), ("Poznań", "60"),
                  ("Gdańsk", "80"), ("Szczecin", "70"), ("Bydgoszcz", "85"), ("Lublin", "20"), ("Białystok", "15"),
                  ("Katowice", "40"), ("Rzeszów", "35"), ("Toruń", "87"), ("Kielce", "25"), ("Olsztyn", "10"))
_STREETS: Final = ("Marszałkowska", "Długa", "Polna", "Leśna", "Słoneczna", "Krótka", "Szkolna", "Ogrodowa",
                   "Lipowa", "Brzozowa", "Kościuszki", "Mickiewicza", "Sienkiewicza", "Żeromskiego", "Piłsudskiego",
                   "3 Maja", "Wojska Polskiego", "Jana Pawła II", "Kwiatowa", "Źródlana")
_COMPANY_WORDS: Final = ("Handel", "Serwis", "Trans", "Bud", "Tech", "Meble", "Ogród", "Dom", "Auto", "Druk")
_COMPANY_FORMS: Final = ("sp. z o.o.", "s.c.", "sp.j.", "S.A.", "P.H.U.", "F.H.")
_MESSAGES: Final = (None, None, None, "Proszę o staranne zapakowanie.", "Proszę o kontakt przed wysyłką.",
                    "Dostawa po 16:00, dziękuję.", "To prezent - proszę nie wkładać paragonu do paczki.")
_NIP_WEIGHTS: Final = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def nip_checksum_ok(nip: str) -> bool:
    """True for a 10-digit NIP whose last digit is its weighted checksum (mod 11, never 10)."""
    if len(nip) != 10 or not nip.isdigit():
        return False
    check = sum(int(d) * w for d, w in zip(nip, _NIP_WEIGHTS, strict=False)) % 11
    return check != 10 and check == int(nip[9])


def random_nip(rng: random.Random) -> str:
    """A NIP with a valid checksum (tax office prefix never starting with 0)."""
    while True:
        head = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(8))
        check = sum(int(d) * w for d, w in zip(head, _NIP_WEIGHTS, strict=True)) % 11
        if check != 10:
            return head + str(check)


def _ascii(text: str) -> str:
    text = text.replace("ł", "l").replace("Ł", "L")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def random_buyer(rng: random.Random, *, company_share: float = 0.3) -> dict[str, Any]:
    """A buyer in the API's camelCase shape; a share of them are companies with a NIP."""
    female = rng.random() < 0.5
    first = rng.choice(_FIRST_F if female else _FIRST_M)
    last = rng.choice(_LAST)[1 if female else 0]
    city, zone = rng.choice(_CITIES)
    is_company = rng.random() < company_share
    company = f"{rng.choice(_COMPANY_WORDS)}-{_ascii(last)} {rng.choice(_COMPANY_FORMS)}" if is_company else None
    domain = rng.choice(("gmail.com", "wp.pl", "onet.pl", "interia.pl", "o2.pl"))
    email = f"{_ascii(first).lower()}.{_ascii(last).lower()}{rng.randint(1, 999)}@{domain}"
    return {
        "firstName": first,
        "lastName": last,
        "companyName": company,
        "nip": random_nip(rng) if is_company else None,
        "email": email,
        "phoneNumber": f"+48 {rng.randint(500, 799)} {rng.randint(0, 999):03d} {rng.randint(0, 999):03d}",
        "address": {
            "street": rng.choice(_STREETS),
            "buildingNumber": str(rng.randint(1, 180)) + rng.choice(("", "", "", "A", "B")),
            "flatNumber": str(rng.randint(1, 60)) if rng.random() < 0.5 else None,
            "postCode": f"{zone}-{rng.randint(0, 999):03d}",
            "city": city,
        },
    }


def random_message(rng: random.Random) -> str | None:
    return rng.choice(_MESSAGES)
