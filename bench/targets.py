"""The targets of issue 4, checked against a `make bench` result (never moved)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

PROJECT, STANDAARD, KEYWORD = "project", "rasa_standaard", "keyword"
RSS_GRENS_MB = 1.3e9 / 2**20  # 1.3 GB (decimal, the stricter reading) in MiB
DOORVOER_NIVEAU = 50  # sustained throughput is measured with this many sellers


@dataclass(frozen=True)
class Doel:
    doel: str
    gemeten: str
    gehaald: bool | None  # None: not measured in this run
    verschil: str


def _getal(resultaat: dict[str, Any], *pad: str) -> float | None:
    waarde: Any = resultaat
    for sleutel in pad:
        if not isinstance(waarde, dict) or sleutel not in waarde:
            return None
        waarde = waarde[sleutel]
    return float(waarde) if isinstance(waarde, int | float) else None


def _grens(
    doel: str, waarde: float | None, grens: float, minimum: bool, opmaak: Callable[[float], str]
) -> Doel:
    """A target `waarde >= grens` (minimum) or `waarde <= grens`, with the margin."""
    if waarde is None:
        return Doel(doel, "niet gemeten", None, "")
    gehaald = waarde >= grens if minimum else waarde <= grens
    marge = waarde - grens if minimum else grens - waarde
    relatief = f" ({abs(marge) / grens:.0%} van de grens)" if grens else ""
    woord = "ruimte" if gehaald else "gemist met"
    return Doel(doel, opmaak(waarde), gehaald, f"{woord} {opmaak(abs(marge))}{relatief}")


def _fractie(x: float) -> str:
    return f"{x:.3f}"


def _ms(x: float) -> str:
    return f"{x:.0f} ms"


def _beter_of_gelijk(a: float, b: float, hoger: bool) -> bool:
    return a >= b if hoger else a <= b


def _vergelijk(
    doel: str,
    p: dict[str, Any],
    s: dict[str, Any],
    paden: dict[str, tuple[str, ...]],
    hoger: bool,
    opmaak: Callable[[float], str],
) -> Doel:
    """Project against Rasa's default on several figures; all must be at least as good."""
    paren: dict[str, tuple[float, float]] = {}
    for naam, pad in paden.items():
        a, b = _getal(p, *pad), _getal(s, *pad)
        if a is None or b is None:
            return Doel(doel, "niet gemeten", None, "")
        paren[naam] = (a, b)
    gemeten = "; ".join(f"{n} {opmaak(a)} vs {opmaak(b)}" for n, (a, b) in paren.items())
    slecht = [
        f"{n} {'-' if a < b else '+'}{opmaak(abs(a - b))}"
        for n, (a, b) in paren.items()
        if not _beter_of_gelijk(a, b, hoger)
    ]
    verschil = "gemist: " + ", ".join(slecht) if slecht else "op alle punten"
    return Doel(doel, gemeten, not slecht, verschil)


def _belasting(p: dict[str, Any]) -> Doel:
    doel = f"{DOORVOER_NIVEAU} verkopers tegelijk: p95 <= 1500 ms en 0 verloren"
    niveau = (p.get("belasting") or {}).get(str(DOORVOER_NIVEAU))
    if not niveau:
        return Doel(doel, "niet gemeten", None, "")
    p95, verloren = float(niveau["p95"]), int(niveau["verloren"])
    gehaald = p95 <= 1500 and verloren == 0
    delen = (
        []
        if p95 <= 1500
        else [f"p95 {p95 - 1500:.0f} ms te hoog ({(p95 - 1500) / 1500:.0%} van de grens)"]
    )
    delen += [f"{verloren} verloren"] if verloren else []
    verschil = (
        "; ".join(delen)
        if delen
        else f"ruimte {1500 - p95:.0f} ms ({(1500 - p95) / 1500:.0%} van de grens)"
    )
    return Doel(doel, f"p95 {p95:.0f} ms, {verloren} verloren", gehaald, verschil)


def doelen(pipelines: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    p, s = pipelines.get(PROJECT, {}), pipelines.get(STANDAARD, {})
    nauwkeurig = {
        "intent": ("nlu", "intent_nauwkeurigheid"),
        "fase": ("nlu", "fase_nauwkeurigheid"),
        "macro-F1": ("nlu", "macro_f1"),
    }
    snel = {"parse p95": ("parse_ms", "p95"), "rondreis p95": ("rondreis_ms", "p95")}
    rij = [
        _grens(
            "Fase-nauwkeurigheid >= 0.95",
            _getal(p, "nlu", "fase_nauwkeurigheid"),
            0.95,
            True,
            _fractie,
        ),
        _grens("Macro-F1 (fasen) >= 0.95", _getal(p, "nlu", "macro_f1"), 0.95, True, _fractie),
        _vergelijk("Minstens zo nauwkeurig als Rasa's standaard", p, s, nauwkeurig, True, _fractie),
        _vergelijk("Niet trager op p95 dan Rasa's standaard", p, s, snel, False, _ms),
        _grens(
            "Buiten domein: >= 90% krijgt de fallback",
            _getal(p, "nlu", "ood_fallback"),
            0.90,
            True,
            lambda x: f"{x:.1%}",
        ),
        _grens(
            "Rondreis 1 verkoper: p95 <= 150 ms", _getal(p, "rondreis_ms", "p95"), 150, False, _ms
        ),
        _belasting(p),
        _grens(
            f"Doorvoer ({DOORVOER_NIVEAU} verkopers, volledige rondreis) >= 40 berichten/s",
            _getal(p, "belasting", str(DOORVOER_NIVEAU), "doorvoer"),
            40,
            True,
            lambda x: f"{x:.1f}/s",
        ),
        _grens(
            "Piek-RSS Rasa-server <= 1.3 GB",
            _getal(p, "geheugen_mb", "rasa"),
            RSS_GRENS_MB,
            False,
            lambda x: f"{x:.0f} MiB",
        ),
        _grens(
            "rasa train van nul <= 4 min",
            _getal(p, "training", "mediaan_s"),
            240,
            False,
            lambda x: f"{x:.0f} s",
        ),
    ]
    return [asdict(d) for d in rij]
