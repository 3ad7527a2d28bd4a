"""The seller's practice scores over time, per phase: /voortgang, and a history that stays small.

`oefen_historie` keeps the last `bewaar_sessies` sessions; older ones are folded into
`oefen_samenvatting` (per phase: count and average), so the slot stays bounded while
/voortgang still shows the whole trend. Settings and texts: actions/inhoud/oefenen/voortgang.yml.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from actions.oefenboek import FASEN, OEFEN_MAP
from actions.scorekaart import Sessie, getal
from actions.yaml_bron import YamlBestand, teksten_schema

VOORTGANG_BESTAND = OEFEN_MAP / "voortgang.yml"
TOTAAL = "totaal"  # the whole session's score, next to the phases
Samenvatting = dict[str, Any]  # {"sessies": n, "totaal": {"aantal", "gemiddeld"}, "fasen": {...}}

# Texts the code fills in, with the fields each may use.
TEKST_VELDEN: dict[str, tuple[str, ...]] = {
    "geen_historie": (),
    "kop": ("sessies", "gemiddeld"),
    "fase": ("fase", "aantal", "gemiddeld", "trend"),
    "omhoog": ("verschil",),
    "omlaag": ("verschil",),
    "gelijk": (),
    "geen_trend": (),
    "geen_fasen": (),
    "grafiek": (),
    "eerder": (),
    "totaal": (),
    "oefen_knop": (),
}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["bewaar_sessies", "trend_sessies", "trend_drempel", "teksten"],
    "additionalProperties": False,
    "properties": {
        "bewaar_sessies": {"type": "integer", "minimum": 1, "maximum": 200},
        "trend_sessies": {"type": "integer", "minimum": 1},
        "trend_drempel": {"type": "number", "exclusiveMinimum": 0},
        "teksten": teksten_schema(TEKST_VELDEN),
    },
}


@dataclass(frozen=True)
class Instellingen:
    bewaar_sessies: int
    trend_sessies: int
    trend_drempel: float
    teksten: dict[str, str]


def laad_instellingen(pad: Path = VOORTGANG_BESTAND) -> Instellingen:
    """Load and check voortgang.yml; raise YamlFout (file, line, key) on the first problem."""
    bron = YamlBestand(pad)
    bron.controleer(SCHEMA)
    teksten = bron.data["teksten"]
    bron.controleer_teksten(teksten, TEKST_VELDEN)
    return Instellingen(
        bron.data["bewaar_sessies"],
        bron.data["trend_sessies"],
        float(bron.data["trend_drempel"]),
        teksten,
    )


def _scores(sessie: Mapping[str, Any]) -> dict[str, float]:
    """A session's scores: the total, and per phase where the session kept them."""
    uit = {TOTAAL: float(sessie["score"])}
    fasen = sessie.get("fasen")
    if isinstance(fasen, Mapping):
        uit.update({f: float(s) for f, s in fasen.items() if f in FASEN})
    return uit


def _geldig(sessie: Any) -> bool:
    """A stored session the seller could have made; anything else in the slot is skipped."""
    try:
        return isinstance(sessie, Mapping) and 0 <= float(sessie["score"]) <= 10
    except (KeyError, TypeError, ValueError):
        return False


def voeg_toe(samenvatting: Samenvatting | None, sessie: Sessie) -> Samenvatting:
    """The summary with one more (old) session folded in: per key the count and the average."""
    nieuw: Samenvatting = {"sessies": 0, TOTAAL: None, "fasen": {}}
    if samenvatting:
        nieuw["sessies"] = int(samenvatting.get("sessies", 0))
        nieuw[TOTAAL] = samenvatting.get(TOTAAL)
        nieuw["fasen"] = dict(samenvatting.get("fasen") or {})
    nieuw["sessies"] += 1
    for sleutel, waarde in _scores(sessie).items():
        oud = nieuw[TOTAAL] if sleutel == TOTAAL else nieuw["fasen"].get(sleutel)
        aantal = int(oud["aantal"]) if oud else 0
        gemiddeld = float(oud["gemiddeld"]) if oud else 0.0
        blok = {"aantal": aantal + 1, "gemiddeld": (gemiddeld * aantal + waarde) / (aantal + 1)}
        if sleutel == TOTAAL:
            nieuw[TOTAAL] = blok
        else:
            nieuw["fasen"][sleutel] = blok
    return nieuw


def begrens(
    historie: Sequence[Sessie], samenvatting: Samenvatting | None, bewaar: int
) -> tuple[list[Sessie], Samenvatting | None]:
    """Keep the last `bewaar` sessions; the older ones go into the summary."""
    historie = [s for s in historie if _geldig(s)]
    for oud in historie[: max(len(historie) - bewaar, 0)]:
        samenvatting = voeg_toe(samenvatting, oud)
    return historie[-bewaar:], samenvatting


@dataclass(frozen=True)
class Reeks:
    """One line of /voortgang: a phase (or the total) over time."""

    sleutel: str
    titel: str
    eerder_aantal: int  # sessions only in the summary
    eerder_gemiddeld: float | None
    scores: list[float | None]  # per kept session: its score here, None if not practised
    aantal: int
    gemiddeld: float
    trend: float | None  # recent average minus the average before it; None: too few

    def als_dict(self) -> dict[str, Any]:
        return {
            "fase": self.sleutel,
            "titel": self.titel,
            "eerder": (
                {"aantal": self.eerder_aantal, "gemiddeld": round(self.eerder_gemiddeld, 2)}
                if self.eerder_aantal and self.eerder_gemiddeld is not None
                else None
            ),
            "scores": self.scores,
            "aantal": self.aantal,
            "gemiddeld": round(self.gemiddeld, 2),
            "trend": None if self.trend is None else round(self.trend, 2),
        }


def _reeks(
    sleutel: str,
    titel: str,
    blok: Mapping[str, Any] | None,
    scores: list[float | None],
    trend_sessies: int,
) -> Reeks | None:
    eerder_aantal = int(blok["aantal"]) if blok else 0
    eerder_gem = float(blok["gemiddeld"]) if blok else None
    recent = [s for s in scores if s is not None]
    aantal = eerder_aantal + len(recent)
    if not aantal:
        return None
    som = (eerder_gem or 0.0) * eerder_aantal + sum(recent)
    # The last few against everything before them (the summary counts with its weight).
    k = min(trend_sessies, len(recent), aantal - 1)
    trend = None
    if k:
        voor_aantal = aantal - k
        voor_som = som - sum(recent[-k:])
        trend = sum(recent[-k:]) / k - voor_som / voor_aantal
    return Reeks(sleutel, titel, eerder_aantal, eerder_gem, scores, aantal, som / aantal, trend)


def voortgang(
    historie: Sequence[Sessie] | None,
    samenvatting: Samenvatting | None,
    titels: Mapping[str, str],
    instellingen: Instellingen,
) -> list[Reeks]:
    """The total first, then each practised phase in the order of the sale."""
    sessies = [s for s in historie or [] if _geldig(s)]
    per_sessie = [_scores(s) for s in sessies]
    fasen_eerder = (samenvatting or {}).get("fasen") or {}
    reeksen = []
    for sleutel in (TOTAAL, *FASEN):
        blok = (samenvatting or {}).get(TOTAAL) if sleutel == TOTAAL else fasen_eerder.get(sleutel)
        reeks = _reeks(
            sleutel,
            titels.get(sleutel, sleutel),
            blok,
            [s.get(sleutel) for s in per_sessie],
            instellingen.trend_sessies,
        )
        if reeks:
            reeksen.append(reeks)
    return reeksen


def _trend_tekst(trend: float | None, instellingen: Instellingen) -> str:
    t = instellingen.teksten
    if trend is None:
        return t["geen_trend"]
    if trend >= instellingen.trend_drempel:
        return t["omhoog"].format(verschil=getal(round(2 * trend) / 2))
    if trend <= -instellingen.trend_drempel:
        return t["omlaag"].format(verschil=getal(round(-2 * trend) / 2))
    return t["gelijk"]


def tekst(reeksen: Sequence[Reeks], instellingen: Instellingen) -> str:
    """The summary the seller reads: in the terminal on its own, in Telegram above the chart."""
    t = instellingen.teksten
    if not reeksen:
        return t["geen_historie"]
    totaal, fasen = reeksen[0], reeksen[1:]
    regels = [
        t["kop"].format(sessies=totaal.aantal, gemiddeld=getal(round(2 * totaal.gemiddeld) / 2))
    ]
    for r in fasen:
        regels.append(
            t["fase"].format(
                fase=r.titel,
                aantal=r.aantal,
                gemiddeld=getal(round(2 * r.gemiddeld) / 2),
                trend=_trend_tekst(r.trend, instellingen),
            )
        )
    if not fasen:
        regels.append(t["geen_fasen"])
    return "\n".join(regels)


def payload(reeksen: Sequence[Reeks], instellingen: Instellingen) -> dict[str, Any]:
    """The data for a chart (json_message): the bot draws it, labels included."""
    return {
        "voortgang": {
            "titel": instellingen.teksten["grafiek"],
            "eerder_label": instellingen.teksten["eerder"],
            "reeksen": [r.als_dict() for r in reeksen],
        }
    }
