"""The targets of issues 4 and 10, checked against a `make bench` result (never moved)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.blind import TYPFOUTEN, laatste_set
from bench.measure import getal

PROJECT, STANDAARD, KEYWORD = "project", "rasa_standaard", "keyword"
RSS_GRENS_MB = 1.3e9 / 2**20  # 1.3 GB (decimal, the stricter reading) in MiB
DOORVOER_NIVEAU = 50  # sustained throughput is measured with this many sellers
P95_GRENS = 1500  # ms, with DOORVOER_NIVEAU sellers
# Issue 10: the Rasa server's memory stays within 10% of the run before it (1142 MiB).
RSS_VOOR_ISSUE_10_MB = 1142
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


def _doel(doel: str, gemeten: str, gehaald: bool | None, verschil: str) -> dict[str, Any]:
    return {"doel": doel, "gemeten": gemeten, "gehaald": gehaald, "verschil": verschil}


def _marge(marge: float, grens: float, opmaak: Opmaak) -> str:
    woord = "ruimte" if marge >= 0 else "gemist met"
    return f"{woord} {opmaak(abs(marge))} ({abs(marge) / grens:.0%} van de grens)"


def _grens(doel: str, waarde: float | None, grens: float, minimum: bool, opmaak: Opmaak) -> dict:
    """A target `waarde >= grens` (minimum) or `waarde <= grens`, with the margin."""
    if waarde is None:
        return _doel(doel, "niet gemeten", None, "")
    marge = waarde - grens if minimum else grens - waarde
    return _doel(doel, opmaak(waarde), marge >= 0, _marge(marge, grens, opmaak))


def _vergelijk(doel: str, p: dict, s: dict, paden: dict, hoger: bool, opmaak: Opmaak) -> dict:
    """Project against Rasa's default on several figures; all must be at least as good."""
    paren = {naam: (getal(p, *pad), getal(s, *pad)) for naam, pad in paden.items()}
    if any(a is None or b is None for a, b in paren.values()):
        return _doel(doel, "niet gemeten", None, "")
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
    doel = f"{DOORVOER_NIVEAU} verkopers tegelijk: p95 <= {P95_GRENS} ms en 0 verloren"
    niveau = (p.get("belasting") or {}).get(str(DOORVOER_NIVEAU))
    if not niveau:
        return _doel(doel, "niet gemeten", None, "")
    p95, verloren = float(niveau["p95"]), int(niveau["verloren"])
    te_hoog = p95 - P95_GRENS
    delen = [f"p95 {te_hoog:.0f} ms te hoog ({te_hoog / P95_GRENS:.0%} van de grens)"]
    delen = delen if te_hoog > 0 else []
    delen += [f"{verloren} verloren"] if verloren else []
    verschil = "; ".join(delen) or _marge(P95_GRENS - p95, P95_GRENS, OPMAAK["ms"])
    return _doel(doel, f"p95 {p95:.0f} ms, {verloren} verloren", not delen, verschil)


def _blind(p: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 10, on the newest blind set (its first measurement is the honest figure)."""
    naam = laatste_set()
    if naam is None:
        return []
    f, pct = OPMAAK["fractie"], OPMAAK["procent"]
    b = ("blind", naam)
    return [
        _grens(
            f"Blinde {naam}: fase-nauwkeurigheid >= 0.90",
            getal(p, *b, "fase_nauwkeurigheid"),
            0.90,
            True,
            f,
        ),
        _grens(f"Blinde {naam}: macro-F1 >= 0.90", getal(p, *b, "macro_f1"), 0.90, True, f),
        _grens(
            f"Blinde {naam}: zeker advies voor de verkeerde fase <= 5%",
            getal(p, *b, "fout_zeker"),
            0.05,
            False,
            pct,
        ),
        _grens(
            f"Blinde {naam}: buiten domein >= 90% naar de fallback",
            getal(p, *b, "ood_fallback"),
            0.90,
            True,
            pct,
        ),
        _grens(
            f"Blinde {naam} met tikfouten: fase-nauwkeurigheid >= 0.85",
            getal(p, "blind", naam + TYPFOUTEN, "fase_nauwkeurigheid"),
            0.85,
            True,
            f,
        ),
    ]


def doelen(pipelines: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    p, s = pipelines.get(PROJECT, {}), pipelines.get(STANDAARD, {})
    f, ms = OPMAAK["fractie"], OPMAAK["ms"]
    nauwkeurig = {
        "intent": ("nlu", "intent_nauwkeurigheid"),
        "fase": ("nlu", "fase_nauwkeurigheid"),
        "macro-F1": ("nlu", "macro_f1"),
    }
    snel = {"parse p95": ("parse_ms", "p95"), "rondreis p95": ("rondreis_ms", "p95")}
    doorvoer = getal(p, "belasting", str(DOORVOER_NIVEAU), "doorvoer")
    return [
        _grens(
            "Fase-nauwkeurigheid >= 0.95", getal(p, "nlu", "fase_nauwkeurigheid"), 0.95, True, f
        ),
        _grens("Macro-F1 (fasen) >= 0.95", getal(p, "nlu", "macro_f1"), 0.95, True, f),
        _vergelijk("Minstens zo nauwkeurig als Rasa's standaard", p, s, nauwkeurig, True, f),
        _vergelijk("Niet trager op p95 dan Rasa's standaard", p, s, snel, False, ms),
        _grens(
            "Buiten domein: >= 90% krijgt de fallback",
            getal(p, "nlu", "ood_fallback"),
            0.90,
            True,
            OPMAAK["procent"],
        ),
        _grens(
            "Rondreis 1 verkoper: p95 <= 100 ms", getal(p, "rondreis_ms", "p95"), 100, False, ms
        ),
        _belasting(p),
        _grens(
            f"Doorvoer ({DOORVOER_NIVEAU} verkopers, volledige rondreis) >= 40 berichten/s",
            doorvoer,
            40,
            True,
            lambda x: f"{x:.1f}/s",
        ),
        _grens(
            "Piek-RSS Rasa-server <= 1.3 GB",
            getal(p, "geheugen_mb", "rasa"),
            RSS_GRENS_MB,
            False,
            OPMAAK["mib"],
        ),
        _grens(
            f"Piek-RSS Rasa-server binnen 10% van {RSS_VOOR_ISSUE_10_MB} MiB",
            getal(p, "geheugen_mb", "rasa"),
            RSS_VOOR_ISSUE_10_MB * 1.1,
            False,
            OPMAAK["mib"],
        ),
        _grens(
            "rasa train van nul <= 4 min",
            getal(p, "training", "mediaan_s"),
            240,
            False,
            lambda x: f"{x:.0f} s",
        ),
        *_blind(p),
    ]
