"""The platform's publication rules, as pure checks that return every Problem found (not just the first).

An offer being published (anything but a draft) must: have a 4-100 character title, a gross price
> 0 with at most two decimals, a VAT rate from the enum, a non-negative whole stock, a leaf category,
every required parameter of that category present and each parameter valid for its type (dictionary
values by id, numbers within min/max), and at most 16 gallery images, each one this account uploaded.
A draft (isDraft true) is checked for the same field shapes but not for the publication rules
(category leaf, required parameters), as sellers save half-finished drafts. No rule is stricter than
the contract: an offer without images, any whole userQuantityLimit, and property names in any letter
case (as C# clients send them: `Title`, `CategoryId`) are all accepted, as live.

Images: jpg, png or webp (by content, not by name), at most 5 MB, each side at least 124 px.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final
from urllib.parse import urlsplit

from PIL import Image, UnidentifiedImageError

from agent.domain import LEAD_TIMES, VAT_RATES, Category, CategoryParameter
from agent.simulator import terms

MAX_IMAGE_BYTES: Final = 5 * 1024 * 1024
MIN_IMAGE_SIDE: Final = 124
MAX_GALLERY: Final = 16
IMAGE_FORMATS: Final = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
_UNITS: Final = ("sztuk", "kompletow", "par", "opakowan", "paczek")
_REQUIRED: Final = ("title", "price", "categoryId", "vatRate", "stockQuantity")


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule: a machine code, an English message, the field at fault, a Polish text for operators."""

    code: str
    message: str
    path: str
    user_message: str


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: object) -> Decimal | None:
    """A JSON number (parsed as Decimal) or a numeric string; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, str):
        try:
            parsed = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            return None
        return parsed if parsed.is_finite() else None
    return None


OFFER_KEYS: Final = (
    "externalId", "title", "price", "categoryId", "vatRate", "stockQuantity", "stockQuantityUnit", "gallery",
    "parameters", "description", "shippingTariffId", "returnPolicyId", "complaintPolicyId", "guaranteeId",
    "leadTime", "userQuantityLimit", "isDraft", "showUnitPrice", "status",
)


def contract_keys(body: Mapping[str, Any], known: tuple[str, ...] = OFFER_KEYS) -> dict[str, Any]:
    """`body` with each property the contract names under its contract spelling, whatever its letter
    case (live binds `Title` and `title` alike); other keys are kept as they came."""
    by_folded = {k.casefold(): k for k in known}
    out: dict[str, Any] = {}
    for key, value in body.items():
        name = by_folded.get(key.casefold(), key) if isinstance(key, str) else key
        if name not in out or name == key:
            out[name] = value
    return out


def validate_offer(
    body: Mapping[str, Any],
    *,
    categories: Mapping[int, Category],
    owns_file: Callable[[str], bool],
) -> list[Problem]:
    """Every rule `body` (an OfferInput) breaks; `owns_file(url_path)` says whether the account uploaded it."""
    problems: list[Problem] = []
    add = problems.append
    publish = body.get("isDraft") is not True and body.get("status", "active") != "draft"
    for key in _REQUIRED:
        if key not in body or body[key] is None:
            add(Problem("missingField", f"{key} is required", key, f"Pole {key} jest wymagane."))

    title = body.get("title")
    if "title" in body and (not isinstance(title, str) or not 4 <= len(title.strip()) <= 100):
        add(Problem("invalidTitle", "title must have 4 to 100 characters", "title",
                    "Tytuł oferty musi mieć od 4 do 100 znaków."))

    if "price" in body:
        price = _number(body["price"]) if not isinstance(body["price"], str) else None
        if price is None or price <= 0 or price != price.quantize(Decimal("0.01")):
            add(Problem("invalidPrice", "price must be a number greater than 0 with at most 2 decimals", "price",
                        "Cena musi być większa od zera (najwyżej dwa miejsca po przecinku)."))

    if "vatRate" in body and body["vatRate"] not in VAT_RATES:
        add(Problem("invalidVatRate", f"vatRate must be one of {', '.join(VAT_RATES)}", "vatRate",
                    "Nieprawidłowa stawka VAT."))

    stock = body.get("stockQuantity")
    if "stockQuantity" in body and (not isinstance(stock, int) or isinstance(stock, bool) or stock < 0):
        add(Problem("invalidStockQuantity", "stockQuantity must be a whole number >= 0", "stockQuantity",
                    "Liczba sztuk musi być liczbą całkowitą nie mniejszą niż 0."))
    if "stockQuantityUnit" in body and body["stockQuantityUnit"] not in _UNITS:
        add(Problem("invalidStockQuantityUnit", "unknown stockQuantityUnit", "stockQuantityUnit",
                    "Nieznana jednostka."))
    if "leadTime" in body and body["leadTime"] not in LEAD_TIMES:
        add(Problem("invalidLeadTime", "unknown leadTime", "leadTime", "Nieznany czas wysyłki."))
    external_id = body.get("externalId")
    if external_id is not None and (not isinstance(external_id, str) or not 1 <= len(external_id) <= 64):
        add(Problem("invalidExternalId", "externalId must be a string of 1 to 64 characters", "externalId",
                    "Identyfikator zewnętrzny musi mieć od 1 do 64 znaków."))
    limit = body.get("userQuantityLimit")
    if limit is not None and not _is_int(limit):
        add(Problem("invalidUserQuantityLimit", "userQuantityLimit must be a whole number",
                    "userQuantityLimit", "Limit sztuk na kupującego musi być liczbą całkowitą."))
    _check_terms(body, add)

    category = None
    category_id = body.get("categoryId")
    if "categoryId" in body:
        category = categories.get(category_id) if isinstance(category_id, int) else None
        if category is None:
            add(Problem("categoryNotFound", f"no category {category_id!r}", "categoryId",
                        "Wybrana kategoria nie istnieje."))
        elif publish and category.has_subcategories:
            add(Problem("categoryNotLeaf", f"category {category_id} has subcategories; choose a leaf", "categoryId",
                        "Ofertę można wystawić tylko w kategorii najniższego poziomu."))
            category = None
    problems.extend(_check_parameters(body.get("parameters"), category, publish=publish))
    problems.extend(_check_gallery(body.get("gallery"), owns_file, publish=publish))
    return problems


def _check_terms(body: Mapping[str, Any], add: Callable[[Problem], None]) -> None:
    known = {
        "shippingTariffId": (terms.TARIFFS_BY_ID.keys(), "Nieznany cennik dostawy."),
        "returnPolicyId": (terms.RETURN_POLICY_IDS, "Nieznane warunki zwrotu."),
        "complaintPolicyId": (terms.COMPLAINT_POLICY_IDS, "Nieznane warunki reklamacji."),
        "guaranteeId": (terms.GUARANTEE_IDS, "Nieznana gwarancja."),
    }
    for key, (ids, polish) in known.items():
        value = body.get(key)
        if value is not None and value not in ids:
            add(Problem("termsNotFound", f"no {key} {value!r} on this account", key, polish))


def _check_parameters(raw: object, category: Category | None, *, publish: bool) -> list[Problem]:
    if raw is None:
        raw = []
    if not isinstance(raw, list) or not all(isinstance(p, dict) and _is_int(p.get("id")) for p in raw):
        return [Problem("invalidParameters", "parameters must be a list of {id, value}", "parameters",
                        "Nieprawidłowe parametry oferty.")]
    if category is None:
        return []
    fields = {f.id: f for f in category.fields}
    given: dict[int, object] = {p["id"]: p.get("value") for p in raw}
    problems: list[Problem] = []
    for index, param in enumerate(raw):
        field = fields.get(param["id"])
        path = f"parameters[{index}]"
        if field is None:
            problems.append(Problem("unknownParameter", f"category {category.id} has no parameter {param['id']}",
                                    path, f"Kategoria nie ma parametru o identyfikatorze {param['id']}."))
        elif (reason := _parameter_error(field, param.get("value"))) is not None:
            problems.append(Problem("invalidParameterValue", f"{field.label}: {reason}", path,
                                    f"Nieprawidłowa wartość parametru „{field.label}”."))
    if publish:
        for field in category.fields:
            if field.required and given.get(field.id) in (None, "", []):
                problems.append(Problem("missingParameter", f"required parameter {field.id} ({field.label}) missing",
                                        "parameters", f"Brak wymaganego parametru „{field.label}”."))
    return problems


def _parameter_error(field: CategoryParameter, value: object) -> str | None:
    """Why `value` does not fit `field`, or None when it does. Dictionary values are integer value ids, as live."""
    if value is None or value in ("", []):
        return None  # absence is judged by the required check alone
    if field.type == "dictionary" or (field.type == "color" and field.values):
        chosen = value if isinstance(value, list) else [value]
        if len(chosen) > 1 and not field.is_multi_choice:
            return "only one value allowed"
        ids = {v.id for v in field.values}
        bad = [v for v in chosen if not _is_int(v) or v not in ids]
        return f"unknown value id(s) {bad}" if bad else None
    if field.type in ("integer", "float"):
        number = _number(value)
        if number is None or (field.type == "integer" and number != number.to_integral_value()):
            return f"must be {'a whole number' if field.type == 'integer' else 'a number'}"
        if field.min is not None and number < field.min:
            return f"must be at least {field.min}"
        if field.max is not None and number > field.max:
            return f"must be at most {field.max}"
        return None
    return None if isinstance(value, str) and value.strip() else "must be a non-empty text"


def _check_gallery(raw: object, owns_file: Callable[[str], bool], *, publish: bool) -> list[Problem]:
    if raw is None:
        raw = []
    if not isinstance(raw, list) or not all(isinstance(u, str) for u in raw):
        return [Problem("invalidGallery", "gallery must be a list of urls", "gallery", "Nieprawidłowa galeria.")]
    problems: list[Problem] = []
    if len(raw) > MAX_GALLERY:
        problems.append(Problem("galleryTooLarge", f"at most {MAX_GALLERY} images", "gallery",
                                f"Oferta może mieć najwyżej {MAX_GALLERY} zdjęć."))
    for index, url in enumerate(raw):
        if not owns_file(urlsplit(url).path):
            problems.append(Problem("imageNotUploaded", "gallery urls must be files this account uploaded",
                                    f"gallery[{index}]", "Zdjęcie nie zostało przesłane na platformę."))
    return problems


@dataclass(frozen=True, slots=True)
class CheckedImage:
    extension: str
    content_type: str


def check_image(data: bytes, path: str = "file") -> CheckedImage | Problem:
    """What an upload is, or why the platform refuses it."""
    if len(data) > MAX_IMAGE_BYTES:
        return Problem("fileTooLarge", "an image may have at most 5 MB", path, "Plik jest za duży (maksymalnie 5 MB).")
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError, ValueError):
        kind, width, height = None, 0, 0
    if kind not in IMAGE_FORMATS:
        return Problem("unsupportedFileType", "only jpg, png and webp images", path,
                       "Nieobsługiwany format pliku (dozwolone: JPG, PNG, WEBP).")
    if min(width, height) < MIN_IMAGE_SIDE:
        return Problem("imageTooSmall", f"each side must be at least {MIN_IMAGE_SIDE} px (got {width}x{height})",
                       path, f"Zdjęcie jest za małe (minimum {MIN_IMAGE_SIDE} px z każdej strony).")
    extension, content_type = IMAGE_FORMATS[kind]
    return CheckedImage(extension, content_type)
