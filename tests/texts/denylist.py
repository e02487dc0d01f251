"""The words that give a text away as the wrong language, for the tests that read what a person reads."""

POLISH_LETTERS = "ąęłóśźżćń"
"""In English output none of these may appear."""

COMMON_ENGLISH = (" the ", "error", "failed", " run ", "company", "offers", "orders")
"""In Polish output none of these may appear (each test adds the words of its own texts)."""
