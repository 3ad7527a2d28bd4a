"""Facts read from domain.yml and the NLU files, shared by the tools and the tests."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from rasa_ext.domein import fase_per_intent as _fase_per_intent
from stack.paths import ROOT
from tools.bestandsversie import per_versie

DOMAIN = ROOT / "domain.yml"

_ANNOTATIE = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}")


def fase_per_intent(domain: Path = DOMAIN) -> dict[str, str]:
    """intent -> fase; domain.yml is read again only when it changed (the web app asks often)."""
    return dict(per_versie("fasen", domain, _fase_per_intent))


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
