"""What to do about an error, in the operator's language, naming the real company.

An error raised without a hint of its own carries its class's English default (`agent.errors`);
here the class's key finds the sentence in the catalogue instead. A hint given where the error was
raised is kept as it is, with `COMPANY` replaced by the company's name when it is known, unless
the error carries it as facts too (`hint_phrase`): then it is worded in the language.
"""

from __future__ import annotations

from agent.errors import MarketsyncError, Phrase
from agent.texts import TABLES, language_of
from agent.texts.phrases import word


def hint_for(language: str, error: MarketsyncError, company: str | None = None) -> str:
    """The hint to show for `error` ("" when there is none)."""
    name = company or "COMPANY"
    table = TABLES[language_of(language)]
    phrase = getattr(error, "hint_phrase", None)
    if isinstance(phrase, Phrase):
        return word(language, phrase)
    if error.hint and error.hint != type(error).hint:
        return error.hint.replace("COMPANY", name)
    for cls in type(error).__mro__:
        sentence = table.get(f"hint.{cls.__name__}")
        if sentence is not None:
            return sentence.format(company=name)
    return error.hint.replace("COMPANY", name)
