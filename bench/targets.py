"""The targets of issues 4 and 10, checked against a `make bench` result (never moved)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.measure import getal
from tools.blind import blinde_sets

PROJECT, STANDAARD, KEYWORD = "project", "rasa_standaard", "keyword"
TYPFOUTEN = "+typfouten"  # the blind set's typo'd copy
RSS_GRENS_MB = 1.3e9 / 2**20  # 1.3 GB (decimal, the stricter reading) in MiB
N = 50  # sellers at once for the load and throughput targets
P95_GRENS = 1500  # ms, with N sellers
RSS_VOOR_ISSUE_10_MB = 1142  # issue 10: within 10% of the Rasa server's memory before it
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
# (target, dotted path in the project's result, limit, format): ">=" in the target makes the
# limit a minimum, otherwise it is a maximum. {set} is the newest blind set (issue 10: its
# first measurement is the honest figure).
GRENZEN = [
    ("Fase-nauwkeurigheid >= 0.95", "nlu.fase_nauwkeurigheid", 0.95, "fractie"),
    ("Macro-F1 (fasen) >= 0.95", "nlu.macro_f1", 0.95, "fractie"),
    ("Buiten domein: >= 90% krijgt de fallback", "nlu.ood_fallback", 0.90, "procent"),
    ("Rondreis 1 verkoper: p95 <= 100 ms", "rondreis_ms.p95", 100, "ms"),
    (
        f"Doorvoer ({N} verkopers, volledige rondreis) >= 40 berichten/s",
        f"belasting.{N}.doorvoer",
        40,
        "doorvoer",
    ),
    ("Piek-RSS Rasa-server <= 1.3 GB", "geheugen_mb.rasa", RSS_GRENS_MB, "mib"),
    (
        f"Piek-RSS Rasa-server binnen 10% van {RSS_VOOR_ISSUE_10_MB} MiB",
        "geheugen_mb.rasa",
        RSS_VOOR_ISSUE_10_MB * 1.1,
        "mib",
    ),
    ("rasa train van nul <= 4 min", "training.mediaan_s", 240, "hele_seconden"),
    (
        "Blinde {set}: fase-nauwkeurigheid >= 0.90",
        "blind.{set}.fase_nauwkeurigheid",
        0.90,
        "fractie",
    ),
    ("Blinde {set}: macro-F1 >= 0.90", "blind.{set}.macro_f1", 0.90, "fractie"),
    (
        "Blinde {set}: zeker advies voor de verkeerde fase <= 5%",
        "blind.{set}.fout_zeker",
        0.05,
        "procent",
    ),
    (
        "Blinde {set}: buiten domein >= 90% naar de fallback",
        "blind.{set}.ood_fallback",
        0.90,
        "procent",
    ),
    (
        "Blinde {set} met tikfouten: fase-nauwkeurigheid >= 0.85",
        "blind.{set}" + TYPFOUTEN + ".fase_nauwkeurigheid",
        0.85,
        "fractie",
    ),
]
NAUWKEURIG = {
    "intent": "nlu.intent_nauwkeurigheid",
    "fase": "nlu.fase_nauwkeurigheid",
    "macro-F1": "nlu.macro_f1",
}
SNEL = {"parse p95": "parse_ms.p95", "rondreis p95": "rondreis_ms.p95"}


def _doel(
    doel: str, gemeten: str = "niet gemeten", gehaald: bool | None = None, verschil: str = ""
) -> dict[str, Any]:
    return {"doel": doel, "gemeten": gemeten, "gehaald": gehaald, "verschil": verschil}


def _marge(marge: float, grens: float, opmaak: Opmaak) -> str:
    woord = "ruimte" if marge >= 0 else "gemist met"
    return f"{woord} {opmaak(abs(marge))} ({abs(marge) / grens:.0%} van de grens)"


def _grens(p: dict[str, Any], doel: str, pad: str, grens: float, opmaak: str) -> dict[str, Any]:
    if (waarde := getal(p, pad)) is None:
        return _doel(doel)
    marge = waarde - grens if ">=" in doel else grens - waarde
    return _doel(doel, OPMAAK[opmaak](waarde), marge >= 0, _marge(marge, grens, OPMAAK[opmaak]))


def _vergelijk(
    doel: str, p: dict, s: dict, paden: dict[str, str], hoger: bool, opmaak: Opmaak
) -> dict:
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
        doel, gemeten, not slecht, "gemist: " + ", ".join(slecht) if slecht else "op alle punten"
    )


def _belasting(p: dict[str, Any]) -> dict[str, Any]:
    doel = f"{N} verkopers tegelijk: p95 <= {P95_GRENS} ms en 0 verloren"
    if not (niveau := (p.get("belasting") or {}).get(str(N))):
        return _doel(doel)
    p95, verloren = float(niveau["p95"]), int(niveau["verloren"])
    te_hoog = p95 - P95_GRENS
    delen = (
        [f"p95 {te_hoog:.0f} ms te hoog ({te_hoog / P95_GRENS:.0%} van de grens)"]
        if te_hoog > 0
        else []
    )
    delen += [f"{verloren} verloren"] if verloren else []
    verschil = "; ".join(delen) or _marge(-te_hoog, P95_GRENS, OPMAAK["ms"])
    return _doel(doel, f"p95 {p95:.0f} ms, {verloren} verloren", not delen, verschil)


def doelen(pipelines: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    p, s = pipelines.get(PROJECT, {}), pipelines.get(STANDAARD, {})
    laatste = (blinde_sets() or [None])[-1]
    grenzen = [
        _grens(p, doel.format(set=laatste), pad.format(set=laatste), grens, opmaak)
        for doel, pad, grens, opmaak in GRENZEN
        if laatste or "{set}" not in pad
    ]
    vergelijk = [
        _vergelijk(
            "Minstens zo nauwkeurig als Rasa's standaard", p, s, NAUWKEURIG, True, OPMAAK["fractie"]
        ),
        _vergelijk("Niet trager op p95 dan Rasa's standaard", p, s, SNEL, False, OPMAAK["ms"]),
    ]
    return [*grenzen[:2], *vergelijk, *grenzen[2:4], _belasting(p), *grenzen[4:]]  # issue 4's order
