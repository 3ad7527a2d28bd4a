"""The scorecard at the end of a practice session, and the comparison with earlier ones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from actions.oefenboek import Oefenboek, Scenario

Stapuitslag = dict[str, Any]  # Oordeel.als_dict(), as kept in the tracker
Sessie = dict[str, Any]  # {"scenario": id, "score": 7.5, "datum": "2026-11-23", "fasen": {...}}


def score(uitslagen: Sequence[Stapuitslag]) -> float:
    """Points over the maximum, out of 10, rounded to a half."""
    maximum = sum(u["max"] for u in uitslagen)
    if not maximum:
        return 0.0
    return round(20 * sum(u["punten"] for u in uitslagen) / maximum) / 2


def getal(waarde: float) -> str:
    """Dutch notation: 7,5 and 8 (not 8,0)."""
    return f"{waarde:g}".replace(".", ",")


def _per_fase(boek: Oefenboek, uitslagen: Sequence[Stapuitslag]) -> list[str]:
    """What went well and what to work on, per phase, in the order of the session."""
    namen = {r.soort: r.naam for r in boek.vermijden}
    regels: list[str] = []
    fasen = list(dict.fromkeys(u["fase"] for u in uitslagen))
    for fase in fasen:
        stappen = [u for u in uitslagen if u["fase"] == fase]
        regels_fase = boek.fasen[fase]
        titel = regels_fase.titel
        fouten = list(dict.fromkeys(s for u in stappen for s in u["vermeden"]))
        gemist = any(not u["gehaald"] for u in stappen)
        if any(u["gehaald"] and not u["vermeden"] for u in stappen):
            regels.append(
                boek.teksten["goed_gedaan"].format(fase=titel, wat=regels_fase.vereist.naam)
            )
        werk = [f"niet: {namen[s]}" for s in fouten]
        if gemist:
            werk.insert(0, regels_fase.vereist.naam)
        if werk:
            regels.append(boek.teksten["werkpunt"].format(fase=titel, wat="; ".join(werk)))
    return regels


def vergelijking(boek: Oefenboek, nieuw: float, eerder: Sequence[Sessie]) -> str:
    if not eerder:
        return boek.teksten["eerste_keer"]
    scores = [float(s["score"]) for s in eerder] + [nieuw]
    verschil = nieuw - scores[-2]
    teken = "+" if verschil > 0 else ("±" if verschil == 0 else "-")
    return boek.teksten["vergelijking"].format(
        vorige=getal(scores[-2]),
        verschil=f"{teken}{getal(abs(verschil))}",
        gemiddeld=getal(round(2 * sum(scores) / len(scores)) / 2),
        aantal=len(scores),
        beste=getal(max(scores)),
    )


def scorekaart(
    boek: Oefenboek,
    scenario: Scenario,
    uitslagen: Sequence[Stapuitslag],
    eerder: Sequence[Sessie],
    vandaag: date | None = None,
) -> tuple[str, Sessie]:
    """The scorecard text and the session to add to the seller's history."""
    punten = score(uitslagen)
    delen = [
        boek.teksten["klaar"].format(titel=scenario.titel, score=getal(punten)),
        vergelijking(boek, punten, eerder),
        "\n".join([boek.teksten["per_fase"], *_per_fase(boek, uitslagen)]),
        boek.teksten["afsluiter"],
    ]
    sessie = {
        "scenario": scenario.id,
        "score": punten,
        "datum": (vandaag or date.today()).isoformat(),
        # Per phase too, for /voortgang (actions/voortgang.py).
        "fasen": {
            fase: score([u for u in uitslagen if u["fase"] == fase])
            for fase in dict.fromkeys(u["fase"] for u in uitslagen)
        },
    }
    return "\n\n".join(delen), sessie
