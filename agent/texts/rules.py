"""Legacy: the publication rules' words as recorded in English before the facts were kept.

The rules (`agent.core.offers`) now keep what is wrong as a text key and its facts ("rule.line",
worded by `agent.texts.phrases`). Rows recorded before that hold only English: "CODE (name):
field: what is wrong", with a hint of what to do in the ERP. Each of the rules' fixed forms is
recognised here and worded from the catalogue; the product's code, name and values stay as they are.
"""

from __future__ import annotations

import re

from agent.texts import TABLES, language_of, plural, text

# The rules' words as agent/core/offers.py recorded them before the facts were kept, and the key each becomes.
_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"title has (?P<length>\d+) characters, the marketplace takes (?P<low>\d+) to (?P<high>\d+)"),
        "rule.title_length",
    ),
    (re.compile(r"no marketplace category"), "rule.no_category"),
    (re.compile(r"category (?P<category>\S+) is not in the catalogue copy"), "rule.unknown_category"),
    (re.compile(r'"(?P<category>.+)" has subcategories; offers go in a leaf category'), "rule.not_leaf"),
    (
        re.compile(r"(?P<count>\d+) images, the marketplace takes (?P<low>\d+) to (?P<high>\d+)"),
        "rule.image_count",
    ),
    (re.compile(r'required in "(?P<category>.+)" and missing'), "rule.parameter_missing"),
    (re.compile(r"is empty"), "rule.parameter_empty"),
    (re.compile(r'"(?P<value>.+)" is not one of its values \((?P<shown>.*)\)'), "rule.parameter_not_a_value"),
    (re.compile(r"takes one value only"), "rule.parameter_one_value"),
    (re.compile(r'"(?P<value>.+)" is not a number'), "rule.parameter_not_a_number"),
    (re.compile(r'"(?P<value>.+)" is not a whole number'), "rule.parameter_not_whole"),
    (re.compile(r"(?P<value>\S+) is outside (?P<span>\S+)"), "rule.parameter_outside"),
    (
        re.compile(
            r'"(?P<wanted>.+)" \(from (?P<source>the product|\[company\.offer_defaults\])\) '
            r"is not among the account's (?P<kind>shipping tariff|return policy|complaint policy|guarantee)s"
        ),
        "rule.term_unknown",
    ),
    (re.compile(r"shorten or lengthen the product name in the ERP"), "rule.hint.title"),
    (re.compile(r"assign a category to the product"), "rule.hint.category"),
    (re.compile(r"fetch categories and terms, or choose another category"), "rule.hint.unknown_category"),
    (re.compile(r"choose one of its subcategories"), "rule.hint.leaf"),
    (re.compile(r"add an image \(at least 124 x 124 px, jpg/png/webp\) to the product"), "rule.hint.image"),
    (re.compile(r'fill in "(?P<label>.+)" on the product'), "rule.hint.fill_in"),
    (re.compile(r'correct "(?P<label>.+)"'), "rule.hint.correct"),
    (re.compile(r"fetch categories and terms, then use a name or id the account has"), "rule.hint.term"),
)
_FIELDS = "name|category|images|shipping_tariff|return_policy|complaint_policy|guarantee|price|parameter [^:]+"
_PART = re.compile(rf"(?P<head>.*?): (?P<field>{_FIELDS}): (?P<said>.+)")
_PRICE = re.compile(r'no gross price in the price type "(?P<price_type>.+)"')


def rule_words(language: str, part: str) -> str | None:
    """`part` (one rule's line, or one hint) worded in `language`; None when it is not one of theirs."""
    found = _PART.fullmatch(part)
    if found is not None:
        said = _said(language, found["said"])
        if said is None:
            return None
        return f"{found['head']}: {_field(language, found['field'])}: {said}"
    return _said(language, part)


def _field(language: str, field: str) -> str:
    if field.startswith("parameter "):
        return text(language, "rule.field.parameter", label=field.removeprefix("parameter "))
    return TABLES[language_of(language)].get(f"rule.field.{field}", field)


def _said(language: str, said: str) -> str | None:
    price = _PRICE.fullmatch(said)
    if price is not None:
        return text(language, "rule.no_price", price_type=price["price_type"])
    for form, key in _FORMS:
        found = form.fullmatch(said)
        if found is not None:
            values: dict[str, object] = dict(found.groupdict())
            if "length" in values:
                values["length"] = plural(language, int(found["length"]), "characters")
            if "source" in values:
                source = "product" if found["source"] == "the product" else "defaults"
                values["source"] = text(language, f"rule.source.{source}")
            if "kind" in values:
                values["kind"] = text(language, f"rule.kind.{found['kind'].replace(' ', '_')}")
            return text(language, key, **values)
    return None
