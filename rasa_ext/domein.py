"""The intent -> phase map from domain.yml, without importing Rasa (tools use it too)."""

from __future__ import annotations

from pathlib import Path

import yaml


def fase_per_intent(domain: Path = Path("domain.yml")) -> dict[str, str]:
    """intent -> fase, from the `fase` slot's from_intent mappings (the one source)."""
    slot = yaml.safe_load(domain.read_text(encoding="utf-8"))["slots"]["fase"]
    resultaat: dict[str, str] = {}
    for mapping in slot["mappings"]:
        intents = mapping["intent"]
        for intent in [intents] if isinstance(intents, str) else intents:
            resultaat[intent] = mapping["value"]
    return resultaat
