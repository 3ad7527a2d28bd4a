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
    "hele_seconden": lambda x: f"{x:.0f} s",
    "geheel": lambda x: f"{x:.0f}",
    "per_seconde": lambda x: f"{x:.1f} /s",
    "doorvoer": lambda x: f"{x:.1f}/s",
    "mib": lambda x: f"{x:.0f} MiB",
}
NAUWKEURIG = {
    "intent": "nlu.intent_nauwkeurigheid",
    "fase": "nlu.fase_nauwkeurigheid",
    "macro-F1": "nlu.macro_f1",
}
SNEL = {"parse p95": "parse_ms.p95", "rondreis p95": "rondreis_ms.p95"}
BLIND = "blind.{set}"  # the newest blind set (issue 10: its first measurement is the honest one)
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
    ("50 verkopers tegelijk: p95 <= 1500 ms en 0 verloren", "belasting.50", 1500, "ms"),
    (
        "Doorvoer (50 verkopers, volledige rondreis) >= 40 berichten/s",
        "belasting.50.doorvoer",
        40,
        "doorvoer",
    ),
    ("Piek-RSS Rasa-server <= 1.3 GB", "geheugen_mb.rasa", RSS_GRENS_MB, "mib"),
    # issue 10: within 10% of the Rasa server's memory before it
    ("Piek-RSS Rasa-server binnen 10% van 1142 MiB", "geheugen_mb.rasa", 1142 * 1.1, "mib"),
    ("rasa train van nul <= 4 min", "training.mediaan_s", 240, "hele_seconden"),
    ("Blinde {set}: fase-nauwkeurigheid >= 0.90", f"{BLIND}.fase_nauwkeurigheid", 0.90, "fractie"),
    ("Blinde {set}: macro-F1 >= 0.90", f"{BLIND}.macro_f1", 0.90, "fractie"),
    (
        "Blinde {set}: zeker advies voor de verkeerde fase <= 5%",
        f"{BLIND}.fout_zeker",
        0.05,
        "procent",
    ),
    (
        "Blinde {set}: buiten domein >= 90% naar de fallback",
        f"{BLIND}.ood_fallback",
        0.90,
        "procent",
    ),
    (
        "Blinde {set} met tikfouten: fase-nauwkeurigheid >= 0.85",
        f"{BLIND}{TYPFOUTEN}.fase_nauwkeurigheid",
        0.85,
        "fractie",
    ),
]


def _doel(
    doel: str, gemeten: str = "niet gemeten", gehaald: bool | None = None, verschil: str = ""
) -> dict[str, Any]:
    return {"doel": doel, "gemeten": gemeten, "gehaald": gehaald, "verschil": verschil}


def _grens(p: dict[str, Any], doel: str, pad: str, grens: float, opmaak: Opmaak) -> dict[str, Any]:
    if (waarde := getal(p, pad)) is None:
        return _doel(doel)
    marge = waarde - grens if ">=" in doel else grens - waarde
    woord = "ruimte" if marge >= 0 else "gemist met"
    verschil = f"{woord} {opmaak(abs(marge))} ({abs(marge) / grens:.0%} van de grens)"
    return _doel(doel, opmaak(waarde), marge >= 0, verschil)


def _belasting(p: dict[str, Any], doel: str, pad: str, grens: float, opmaak: Opmaak) -> dict:
    """The p95 limit, and no message lost."""
    p95, verloren = _grens(p, doel, f"{pad}.p95", grens, opmaak), getal(p, f"{pad}.verloren")
    if verloren is None or p95["gehaald"] is None:
        return _doel(doel)
    fouten = [] if p95["gehaald"] else [f"p95 {p95['verschil']}"]
    fouten += [f"{verloren:.0f} verloren"] if verloren else []
    gemeten = f"p95 {p95['gemeten']}, {verloren:.0f} verloren"
    return _doel(doel, gemeten, not fouten, "; ".join(fouten) or p95["verschil"])


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
    return _doel(
        doel, gemeten, not slecht, f"gemist: {', '.join(slecht)}" if slecht else "op alle punten"
    )


def doelen(pipelines: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    p, s = pipelines.get(PROJECT, {}), pipelines.get(STANDAARD, {})
    laatste, uit = (blinde_sets() or [None])[-1], []
    for doel, pad, grens, opmaak in DOELEN:
        if isinstance(pad, dict):
            uit.append(_vergelijk(doel, p, s, pad, bool(grens), OPMAAK[opmaak]))
        elif laatste or BLIND not in pad:
            meet = _belasting if pad == "belasting.50" else _grens
            uit.append(
                meet(p, doel.format(set=laatste), pad.format(set=laatste), grens, OPMAAK[opmaak])
            )
    return uit
