"""Facts read from domain.yml and the NLU files, shared by the tools and the tests."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from stack.paths import ROOT

DOMAIN = ROOT / "domain.yml"

_ANNOTATIE = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}")


def fase_per_intent(domain: Path = DOMAIN) -> dict[str, str]:
    """intent -> fase, from the `fase` slot's from_intent mappings (the one source)."""
    slot = yaml.safe_load(domain.read_text(encoding="utf-8"))["slots"]["fase"]
    resultaat: dict[str, str] = {}
    for mapping in slot["mappings"]:
        intents = mapping["intent"]
        for intent in [intents] if isinstance(intents, str) else intents:
            resultaat[intent] = mapping["value"]
    return resultaat


def domein_intents(domain: Path = DOMAIN) -> list[str]:
    intents = yaml.safe_load(domain.read_text(encoding="utf-8"))["intents"]
    return [i if isinstance(i, str) else next(iter(i)) for i in intents]


def platte_tekst(voorbeeld: str) -> str:
    """An NLU example without entity annotations: `de [bank](product)` -> `de bank`."""
    return _ANNOTATIE.sub(lambda m: m.group(1) or m.group(2), voorbeeld).strip()


def nlu_voorbeelden(map_: Path) -> list[tuple[str, str, Path]]:
    """(text, intent, file) for every example in the NLU YAML files under `map_`."""
    rijen: list[tuple[str, str, Path]] = []
    for pad in sorted(map_.rglob("*.yml")):
        for blok in (yaml.safe_load(pad.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if "intent" not in blok:
                continue
            for regel in str(blok.get("examples", "")).splitlines():
                regel = regel.strip()
                if regel.startswith("- "):
                    rijen.append((platte_tekst(regel[2:]), blok["intent"], pad))
    return rijen
