"""A product that breaks publication rules reads in Polish in `runs show`: what is wrong and what to do,
from the rules' own English records; the product's code, name and values stay as they are."""

from __future__ import annotations

from agent.core.offers import publication_problems
from agent.texts.outcomes import outcome_hint, outcome_message
from tests.core.test_offers_rules import LEAF, _product

ENGLISH = (
    "the marketplace",
    "title has",
    "images",
    "required",
    "missing",
    "shorten",
    "add an image",
    "fill in",
    "category",
    "characters",
)


def _recorded(**changes: object) -> tuple[str, str]:
    """The message and the hint the offers job records for the product (as agent/sync/jobs/offers_plan.py)."""
    product = _product(**changes)
    problems = publication_problems(product, LEAF)
    assert problems
    message = "; ".join(problem.text(product) for problem in problems)
    hint = "; ".join(dict.fromkeys(problem.hint for problem in problems))
    return message, hint


def test_a_product_without_images_and_a_parameter_reads_polish() -> None:
    required = next(f for f in LEAF.fields if f.required)
    message, hint = _recorded(images=(), parameters=tuple(p for p in _product().parameters if p[0] != required.id))
    said = outcome_message("pl", message)
    assert said.startswith("SEK-001 (Sekator nożycowy Fiskars 20 mm): ")
    assert f'parametr {required.label}: wymagany w "{LEAF.name}", a go brak' in said
    assert "zdjęcia: zdjęcia: 0, serwis przyjmuje od 1 do 16" in said
    hinted = outcome_hint("pl", hint, "InvalidItem")
    assert f'uzupełnij "{required.label}" w produkcie' in hinted
    assert "dodaj produktowi zdjęcie" in hinted
    read = (said + hinted).replace(LEAF.name, "").replace(required.label, "").lower()
    assert [word for word in ENGLISH if word in read] == [], said + "\n" + hinted


def test_a_title_too_long_counts_its_characters_in_polish() -> None:
    message, hint = _recorded(name="x" * 102)
    said = outcome_message("pl", message)
    assert ": nazwa: tytuł ma 102 znaki, serwis przyjmuje od 4 do 100" in said
    assert outcome_hint("pl", hint) == "skróć albo wydłuż nazwę produktu w ERP"
    assert outcome_message("en", message) == message


def test_no_category_in_english_stays_as_recorded() -> None:
    message, hint = _recorded(category_id=None)
    assert outcome_message("en", message) == message
    assert outcome_hint("en", hint) == hint
    assert "brak kategorii serwisu" in outcome_message("pl", message)
