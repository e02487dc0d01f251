"""How a run's result is named to a person, in each language (`runs`, `status`)."""

from __future__ import annotations

RESULT_LABELS = {
    "pl": {
        "success": "Sukces",
        "partial": "Częściowo",
        "failed": "Błąd",
        "interrupted": "Przerwany",
        "running": "Trwa",
    },
    "en": {
        "success": "Success",
        "partial": "Partial",
        "failed": "Failed",
        "interrupted": "Interrupted",
        "running": "Running",
    },
}
