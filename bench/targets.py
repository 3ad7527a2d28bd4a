"""The targets of issues 4 and 10, checked against a `make bench` result (never moved)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.measure import getal
from tools.blind import blinde_sets

PROJECT, STANDAARD, KEYWORD = "project", "rasa_standaard", "keyword"
TYPFOUTEN = "+typfouten"  # the blind set's typo'd copy
RSS_GRENS_MB = 1.3e9 / 2**20  # 1.3 GB (decimal, the stricter reading) in MiB
Opmaak = Callable[[float], str]
OPMAAK: dict[str, Opmaak] = {
    "fractie": lambda x: f"{x:.3f}",
    "procent": lambda x: f"{x:.1%}",
    "ms": lambda x: f"{x:.0f} ms",
    "seconden": lambda x: f"{x:.0f} s" if x >= 10 else f"{x:.2g} s",
    "geheel": lambda x: f"{x:.0f}",
    "per_seconde": lambda x: f"{x:.1f} /s",
    "mib": lambda x: f"{x:.0f} MiB",
}
NAUWKEURIG = {"intent": "nlu.intent_nauwkeurigheid", "fase": "nlu.fase_nauwkeurigheid"}
NAUWKEURIG |= {"macro-F1": "nlu.macro_f1"}
SNEL = {"parse p95": "parse_ms.p95", "rondreis p95": "rondreis_ms.p95"}
# Issue 4's order: (target, dotted path in the project's result, limit, format). ">=" in the
# target makes the limit a minimum, otherwise a maximum. A dict of paths compares the project
# with Rasa's default on each figure; the limit then says whether higher is better.
DOELEN: list[tuple[str, str | dict[str, str], float, str]] = [
    ("Fase-nauwkeurigheid >= 0.95", "nlu.fase_nauwkeurigheid", 0.95, "fractie"),
    ("Macro-F1 (fasen) >= 0.95", "nlu.macro_f1", 0.95, "fractie"),
    ("Minstens zo nauwkeurig als Rasa's standaard", NAUWKEURIG, True, "fractie"),
    ("Niet trager op p95 dan Rasa's standaard", SNEL, False, "ms"),
    ("Buiten domein: >= 90% krijgt de fallback", "nlu.ood_fallback", 0.90, "procent"),
    ("Rondreis 1 verkoper: p95 <= 100 ms", "rondreis_ms.p95", 100, "ms"),
    ("50 verkopers tegelijk: p95 <= 1500 ms", "belasting.50.p95", 1500, "ms"),
    ("50 verkopers tegelijk: 0 verloren", "belasting.50.verloren", 0, "geheel"),
    ("50 verkopers tegelijk: doorvoer >= 40 /s", "belasting.50.doorvoer", 40, "per_seconde"),
    ("Piek-RSS Rasa-server <= 1.3 GB", "geheugen_mb.rasa", RSS_GRENS_MB, "mib"),
    # issue 10: within 10% of the Rasa server's memory before it
    ("Piek-RSS Rasa-server binnen 10% van 1142 MiB", "geheugen_mb.rasa", 1142 * 1.1, "mib"),
    ("rasa train van nul <= 4 min", "training.mediaan_s", 240, "seconden"),
]
# Issue 10 on the newest blind set, whose first measurement is the honest one: (copy, target,
# key in tools.blind's scores, limit, format).
BLINDE_DOELEN = [
    ("", "fase-nauwkeurigheid >= 0.90", "fase_nauwkeurigheid", 0.90, "fractie"),
    ("", "macro-F1 >= 0.90", "macro_f1", 0.90, "fractie"),
    ("", "zeker advies voor de verkeerde fase <= 5%", "fout_zeker", 0.05, "procent"),
    ("", "buiten domein >= 90% naar de fallback", "ood_fallback", 0.90, "procent"),
    (TYPFOUTEN, "fase-nauwkeurigheid >= 0.85", "fase_nauwkeurigheid", 0.85, "fractie"),
]


def _doel(
    doel: str, gemeten: str = "niet gemeten", gehaald: bool | None = None, verschil: str = ""
):
    return {"doel": doel, "gemeten": gemeten, "gehaald": gehaald, "verschil": verschil}


def _grens(p: dict[str, Any], doel: str, pad: str, grens: float, opmaak: Opmaak) -> dict[str, Any]:
    if (waarde := getal(p, pad)) is None:
        return _doel(doel)
    marge = waarde - grens if ">=" in doel else grens - waarde
    verschil = f"{'ruimte' if marge >= 0 else 'gemist met'} {opmaak(abs(marge))}"
    verschil += f" ({abs(marge) / grens:.0%} van de grens)" if grens else ""
    return _doel(doel, opmaak(waarde), marge >= 0, verschil)


def _vergelijk(doel: str, p: dict, s: dict, paden: dict, hoger: bool, opmaak: Opmaak) -> dict:
    """Project against Rasa's default on several figures; all must be at least as good."""
    paren = {n: (getal(p, pad), getal(s, pad)) for n, pad in paden.items()}
    if any(a is None or b is None for a, b in paren.values()):
        return _doel(doel)
    gemeten = "; ".join(f"{n} {opmaak(a)} vs {opmaak(b)}" for n, (a, b) in paren.items())
    slecht = [
        f"{n} {'-' if a < b else '+'}{opmaak(abs(a - b))}"
        for n, (a, b) in paren.items()
        if not (a >= b if hoger else a <= b)
    ]
    verschil = f"gemist: {', '.join(slecht)}" if slecht else "op alle punten"
    return _doel(doel, gemeten, not slecht, verschil)


def doelen(pipelines: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every target: what the project measured, whether it was met and by how much."""
    p, s = pipelines.get(PROJECT, {}), pipelines.get(STANDAARD, {})
    blind = [
        (f"Blinde {naam}{kopie}: {doel}", f"blind.{naam}{kopie}.{sleutel}", grens, o)
        for naam in blinde_sets()[-1:]
        for kopie, doel, sleutel, grens, o in BLINDE_DOELEN
    ]
    return [
        _vergelijk(doel, p, s, pad, bool(grens), OPMAAK[o])
        if isinstance(pad, dict)
        else _grens(p, doel, pad, grens, OPMAAK[o])
        for doel, pad, grens, o in [*DOELEN, *blind]
    ]
