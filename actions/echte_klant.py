"""A real customer during practice: is the seller telling the coach what happens in the shop?

The NLU's confidence alone cannot tell (docs/oefenen-meting.md): a practice answer about a
price is as much "bezwaar" as a report of one. What differs is who speaks to whom: a report
talks about the customer ("ze zegt", "er loopt een klant binnen", a quote), an answer talks
to the customer (u, uw, a greeting). The markers are data (actions/inhoud/oefenen/echte_klant.yml);
a message counts as real when the report markers win and the NLU recognises a phase.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from actions.adviesboek import laad_fasen
from actions.beoordeling import woorden, zoek
from actions.oefenboek import OEFEN_MAP
from actions.yaml_bron import YamlBestand, teksten_schema

ECHTE_KLANT_BESTAND = OEFEN_MAP / "echte_klant.yml"
ALLE_FASEN = frozenset(laad_fasen())

# Quoted speech: a quote mark at the start of a word, up to one at the end of a word
# (so "zo'n", "da's" and "'m" are no quotes).
_CITAAT = re.compile(r"""(?:^|(?<=[\s:(]))['"‘“„](\S.*?\S|\S)['"’”](?=$|[\s.,!?;:)])""")

_WOORDEN = {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}}
# The texts, with the fields each may use.
TEKST_VELDEN: dict[str, tuple[str, ...]] = {
    "vraag": (),
    "pauze_knop": (),
    "verder_knop": (),
    "gepauzeerd": (),
    "hervat": ("titel", "stap", "totaal"),
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["drempels", "citaat_gewicht", "melden", "aanspreken", "teksten"],
    "additionalProperties": False,
    "properties": {
        "drempels": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["netto", "nlu"],
                "additionalProperties": False,
                "properties": {
                    "netto": {"type": "integer", "minimum": 1},
                    "nlu": {"type": "number", "minimum": 0, "maximum": 1},
                },
            },
        },
        "citaat_gewicht": {"type": "integer", "minimum": 0},
        "melden": {
            "type": "object",
            "required": [
                "personen",
                "handelingen",
                "mensen",
                "toestanden",
                "bereik",
                "zinnen",
                "citeren",
            ],
            "additionalProperties": False,
            "properties": {
                "personen": _WOORDEN,
                "handelingen": _WOORDEN,
                "mensen": _WOORDEN,
                "toestanden": _WOORDEN,
                "bereik": {"type": "integer", "minimum": 1, "maximum": 5},
                "zinnen": _WOORDEN,
                "citeren": _WOORDEN,
            },
        },
        "aanspreken": {
            "type": "object",
            "required": ["woorden"],
            "additionalProperties": False,
            "properties": {"woorden": _WOORDEN},
        },
        "teksten": teksten_schema(TEKST_VELDEN),
    },
}


@dataclass(frozen=True)
class Markers:
    drempels: tuple[tuple[int, float], ...]  # (netto, nlu), the first that holds decides
    citaat_gewicht: int
    personen: frozenset[str]
    handelingen: frozenset[str]
    mensen: frozenset[str]
    toestanden: frozenset[str]
    bereik: int
    zinnen: tuple[str, ...]
    citeren: frozenset[str]  # "ze vraagt: ..." - after the colon the customer speaks
    aanspreken: frozenset[str]
    teksten: dict[str, str]


def _set(lijst: list[str]) -> frozenset[str]:
    return frozenset(w.lower().strip() for w in lijst)


def laad_markers(pad: Path = ECHTE_KLANT_BESTAND) -> Markers:
    """Load and check echte_klant.yml; raise YamlFout (file, line, key) on the first problem."""
    bron = YamlBestand(pad)
    bron.controleer(SCHEMA)
    d = bron.data
    bron.controleer_teksten(d["teksten"], TEKST_VELDEN)
    m = d["melden"]
    return Markers(
        drempels=tuple((int(r["netto"]), float(r["nlu"])) for r in d["drempels"]),
        citaat_gewicht=int(d["citaat_gewicht"]),
        personen=_set(m["personen"]),
        handelingen=_set(m["handelingen"]),
        mensen=_set(m["mensen"]),
        toestanden=_set(m["toestanden"]),
        bereik=int(m["bereik"]),
        zinnen=tuple(" ".join(z.lower().split()) for z in m["zinnen"]),
        citeren=_set(m["citeren"]),
        aanspreken=_set(d["aanspreken"]["woorden"]),
        teksten=d["teksten"],
    )


def _dichtbij(w: Sequence[str], wie: frozenset[str], wat: frozenset[str], bereik: int) -> bool:
    """A word of `wie` within `bereik` words of a word of `wat`."""
    posities = [i for i, x in enumerate(w) if x in wat]
    return any(
        abs(i - j) <= bereik for i, x in enumerate(w) if x in wie for j in posities if i != j
    )


@dataclass(frozen=True)
class Telling:
    melden: int
    aanspreken: int

    @property
    def netto(self) -> int:
        return self.melden - self.aanspreken


def tel(tekst: str, m: Markers) -> Telling:
    """Report markers against address markers; words inside a quote are the customer's."""
    w = woorden(tekst)
    citaten = _CITAAT.findall(tekst)
    # Outside quotes the seller is speaking; after "ze vraagt:" the customer is.
    eigen = _CITAAT.sub(" ", tekst)
    voor, dubbelepunt, _ = eigen.partition(":")
    if dubbelepunt and set(woorden(voor)) & m.citeren:
        eigen = voor
    melden = m.citaat_gewicht if citaten else 0
    if _dichtbij(w, m.personen, m.handelingen, m.bereik) or _dichtbij(
        w, m.mensen, m.toestanden, m.bereik
    ):
        melden += 1
    if w and w[0] in m.handelingen:  # "wil afdingen", "zegt: max 80 euro"
        melden += 1
    melden += sum(1 for z in m.zinnen if zoek(w, (z,)))
    aanspreken = sum(1 for x in woorden(eigen) if x in m.aanspreken)
    return Telling(melden, aanspreken)


def fase_zekerheid(parse: Mapping[str, Any]) -> float:
    """How sure the NLU is of a sales phase (0 when its best guess is no phase)."""
    ranking = parse.get("fase_ranking") or []
    if not ranking or not isinstance(ranking[0], Mapping):
        return 0.0
    beste = ranking[0]
    return float(beste.get("confidence") or 0.0) if beste.get("name") in ALLE_FASEN else 0.0


def is_echte_klant(tekst: str, parse: Mapping[str, Any], m: Markers) -> bool:
    """True when the message is, with high confidence, a report of a real shop situation."""
    netto = tel(tekst, m).netto
    zeker = fase_zekerheid(parse)
    return any(netto >= n and zeker >= d for n, d in m.drempels)
