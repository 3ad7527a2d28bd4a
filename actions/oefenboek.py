"""The practice book: scenarios and judging rules, loaded once from actions/inhoud/oefenen/.

`regels.yml` holds the word lists of the checks and the texts of practice mode;
`scenarios/*.yml` one simulated customer each. Both are checked against a schema
on load, like the advice files; an error names the file, the line and the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actions.adviesboek import laad_fasen
from actions.yaml_bron import INHOUD_MAP, YamlBestand, YamlFout

OEFEN_MAP = INHOUD_MAP / "oefenen"
# The phases with a customer, in order (met_klant in actions/inhoud/advies/fasen.yml).
FASEN = tuple(naam for naam, fase in laad_fasen().items() if fase.met_klant)
VRAAGTYPEN = ("open", "gesloten", "alternatief", "geen_vraag")

_TEKST = {"type": "string", "minLength": 1}
_WOORDEN = {"type": "array", "minItems": 1, "items": _TEKST}
_KORT = {"type": "string", "minLength": 1, "maxLength": 200}
# Phrases in an option: a list, or the name of a list under `lijsten` ("bevat: groet").
_ZINNEN = {"anyOf": [_WOORDEN, {"type": "string", "pattern": "^[a-z_]+$"}]}

_OPTIE = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": False,
    "properties": {
        "vraagtype": {"type": "array", "minItems": 1, "items": {"enum": list(VRAAGTYPEN)}},
        "bevat": _ZINNEN,
        "en_bevat": _ZINNEN,
        "binnen_woorden": {"type": "integer", "minimum": 1},
        "min_woorden": {"type": "integer", "minimum": 1},
    },
    "dependencies": {"binnen_woorden": ["bevat"], "en_bevat": ["bevat"]},
}

REGELS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["vraagtypen", "fasen", "vermijden", "willekeurig", "teksten"],
    "additionalProperties": False,
    "properties": {
        "ontkenningen": _WOORDEN,
        "schrijfwijzen": {
            "type": "object",
            "propertyNames": {"pattern": "^[^\\s]+$"},
            "additionalProperties": _TEKST,
        },
        "lijsten": {
            "type": "object",
            "propertyNames": {"pattern": "^[a-z_]+$"},
            "additionalProperties": _WOORDEN,
        },
        "vraagtypen": {
            "type": "object",
            "additionalProperties": False,
            "required": [
                "vraagwoorden",
                "uitroepen",
                "werkwoorden",
                "onderwerpen",
                "uitnodiging",
                "aanloop",
                "of_geen_keuze_na",
                "of_geen_keuze_voor",
            ],
            "properties": {
                k: _WOORDEN
                for k in (
                    "vraagwoorden",
                    "uitroepen",
                    "werkwoorden",
                    "onderwerpen",
                    "uitnodiging",
                    "aanloop",
                    "of_geen_keuze_na",
                    "of_geen_keuze_voor",
                    "gevolg",  # optional
                    "verzoek",  # optional
                )
            },
        },
        "fasen": {
            "type": "object",
            "required": list(FASEN),
            "additionalProperties": False,
            "properties": {
                fase: {
                    "type": "object",
                    "required": ["titel", "vereist"],
                    "additionalProperties": False,
                    "properties": {
                        "titel": _TEKST,
                        "voorkeur": {"enum": list(VRAAGTYPEN)},
                        "voorkeur_tip": _TEKST,
                        "vereist": {
                            "type": "object",
                            "required": ["naam", "goed", "mis", "een_van"],
                            "additionalProperties": False,
                            "properties": {
                                "naam": _TEKST,
                                "goed": _TEKST,
                                "mis": _TEKST,
                                "een_van": {"type": "array", "minItems": 1, "items": _OPTIE},
                            },
                        },
                    },
                    "dependencies": {"voorkeur": ["voorkeur_tip"]},
                }
                for fase in FASEN
            },
        },
        "vermijden": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "object",
                "required": ["naam", "uitleg"],
                "additionalProperties": False,
                "properties": {
                    "naam": _TEKST,
                    "uitleg": _TEKST,
                    "fasen": {"type": "array", "minItems": 1, "items": {"enum": list(FASEN)}},
                    "alleen_in_vraag": {"type": "boolean"},
                    "zinnen": _WOORDEN,
                    "woorden": _WOORDEN,
                    "uitleg_zinnen": _WOORDEN,
                    "afkortingen": {"type": "boolean"},
                    "gewone_afkortingen": _WOORDEN,
                },
                # A list of phrases to avoid, or jargon words that need an explanation.
                "oneOf": [
                    {"required": ["zinnen"], "not": {"required": ["woorden"]}},
                    {"required": ["woorden", "uitleg_zinnen"], "not": {"required": ["zinnen"]}},
                ],
            },
        },
        "willekeurig": _WOORDEN,
        "beoordeling": {"enum": ["regels", "lerend"]},
        "teksten": {"type": "object", "additionalProperties": _TEKST},
    },
}

SCENARIO_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "titel", "knop", "situatie", "stappen"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z_]+$"},
        "titel": {"type": "string", "minLength": 1, "maxLength": 40},
        "knop": {"type": "string", "minLength": 1, "maxLength": 20},
        "situatie": _KORT,
        "jargon": _WOORDEN,
        "stappen": {
            "type": "array",
            "minItems": 2,
            "maxItems": 8,
            "items": {
                "type": "object",
                "required": ["fase", "klant", "beter"],
                "additionalProperties": False,
                "properties": {"fase": {"enum": list(FASEN)}, "klant": _KORT, "beter": _KORT},
            },
        },
    },
}

# Texts the code fills in, with the fields each may use.
TEKST_VELDEN: dict[str, tuple[str, ...]] = {
    "kies_scenario": (),
    "willekeurig_knop": (),
    "scenario_onbekend": (),
    "start": ("titel", "situatie"),
    "klant": ("klant",),
    "stop_knop": (),
    "geen_antwoord": (),
    "commando_tijdens_oefenen": (),
    "beter": ("beter",),
    "afgeraden": ("wat",),
    "herkend": ("wat",),
    "klaar": ("titel", "score"),
    "eerste_keer": (),
    "vergelijking": ("vorige", "verschil", "gemiddeld", "aantal", "beste"),
    "per_fase": (),
    "goed_gedaan": ("fase", "wat"),
    "werkpunt": ("fase", "wat"),
    "afsluiter": (),
    "opnieuw_knop": (),
    "gestopt": ("gedaan", "totaal"),
    "gestopt_kort": (),
    "geen_sessie": (),
}


@dataclass(frozen=True)
class Optie:
    vraagtypen: tuple[str, ...] = ()
    bevat: tuple[str, ...] = ()
    en_bevat: tuple[str, ...] = ()
    binnen_woorden: int | None = None
    min_woorden: int | None = None


@dataclass(frozen=True)
class Vereist:
    naam: str
    goed: str
    mis: str
    opties: tuple[Optie, ...]


@dataclass(frozen=True)
class FaseRegels:
    titel: str
    vereist: Vereist
    voorkeur: str | None = None
    voorkeur_tip: str | None = None


@dataclass(frozen=True)
class Vermijden:
    soort: str
    naam: str
    uitleg: str
    fasen: tuple[str, ...] = FASEN
    alleen_in_vraag: bool = False  # only in a question: asking for the budget, not hearing it
    zinnen: tuple[str, ...] = ()
    jargon: tuple[str, ...] = ()  # words that need an explanation
    uitleg_zinnen: tuple[str, ...] = ()
    afkortingen: bool = False  # capitals (SSD) and codes with digits (i7) count as jargon
    gewone_afkortingen: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Vraagwoorden:
    vraagwoorden: frozenset[str]
    uitroepen: tuple[str, ...]
    werkwoorden: frozenset[str]
    onderwerpen: frozenset[str]
    uitnodiging: frozenset[str]
    aanloop: frozenset[str]
    of_geen_keuze_na: frozenset[str]
    of_geen_keuze_voor: frozenset[str]
    gevolg: frozenset[str] = frozenset()  # "Lukt het niet, dan ...": a condition, no question
    verzoek: frozenset[str] = frozenset()  # "Vertel eens ...": asks without being a question


@dataclass(frozen=True)
class Stap:
    fase: str
    klant: str
    beter: str


@dataclass(frozen=True)
class Scenario:
    id: str
    titel: str
    knop: str
    situatie: str
    stappen: tuple[Stap, ...]
    bestand: Path = field(compare=False)  # the file it came from, for error messages
    jargon: tuple[str, ...] = ()


@dataclass(frozen=True)
class Oefenboek:
    vraagtypen: Vraagwoorden
    fasen: dict[str, FaseRegels]
    vermijden: tuple[Vermijden, ...]
    willekeurig: tuple[str, ...]
    teksten: dict[str, str]
    scenarios: dict[str, Scenario]
    # A phrase to avoid right after one of these words is denied, not said ("niet pushen").
    ontkenningen: frozenset[str] = frozenset()
    # Spelling variants read as the usual word before any check ("ge" -> ("u",)).
    schrijfwijzen: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The learned verdict completes the rules (actions/oefen_model.py); off unless chosen.
    lerend: bool = False


def _laag(woorden: list[str]) -> tuple[str, ...]:
    return tuple(" ".join(w.lower().split()) for w in woorden)


def _zinnen(bron: YamlBestand, pad: list[str | int], waarde: list[str] | str) -> tuple[str, ...]:
    """The phrases of an option: its own list, or the named list under `lijsten`."""
    if isinstance(waarde, list):
        return _laag(waarde)
    lijsten = bron.data.get("lijsten", {})
    if waarde not in lijsten:
        bekend = ", ".join(sorted(lijsten)) or "geen"
        raise bron.fout(pad, f"onbekende lijst '{waarde}' (bekend: {bekend})")
    return _laag(lijsten[waarde])


def _laad_regels(pad: Path, scenarios: dict[str, Scenario]) -> Oefenboek:
    bron = YamlBestand(pad)
    bron.controleer(REGELS_SCHEMA)
    data = bron.data
    vt = {k: _laag(v) for k, v in data["vraagtypen"].items()}
    vraagtypen = Vraagwoorden(
        vraagwoorden=frozenset(vt["vraagwoorden"]),
        uitroepen=vt["uitroepen"],
        werkwoorden=frozenset(vt["werkwoorden"]),
        onderwerpen=frozenset(vt["onderwerpen"]),
        uitnodiging=frozenset(vt["uitnodiging"]),
        aanloop=frozenset(vt["aanloop"]),
        of_geen_keuze_na=frozenset(vt["of_geen_keuze_na"]),
        of_geen_keuze_voor=frozenset(vt["of_geen_keuze_voor"]),
        gevolg=frozenset(vt.get("gevolg", ())),
        verzoek=frozenset(vt.get("verzoek", ())),
    )
    fasen = {}
    for naam, f in data["fasen"].items():
        v = f["vereist"]
        plek: list[str | int] = ["fasen", naam, "vereist", "een_van"]
        opties = tuple(
            Optie(
                vraagtypen=tuple(o.get("vraagtype", ())),
                bevat=_zinnen(bron, [*plek, i, "bevat"], o.get("bevat", [])),
                en_bevat=_zinnen(bron, [*plek, i, "en_bevat"], o.get("en_bevat", [])),
                binnen_woorden=o.get("binnen_woorden"),
                min_woorden=o.get("min_woorden"),
            )
            for i, o in enumerate(v["een_van"])
        )
        fasen[naam] = FaseRegels(
            titel=f["titel"],
            vereist=Vereist(v["naam"], v["goed"], v["mis"], opties),
            voorkeur=f.get("voorkeur"),
            voorkeur_tip=f.get("voorkeur_tip"),
        )
    vermijden = tuple(
        Vermijden(
            soort=soort,
            naam=v["naam"],
            uitleg=v["uitleg"],
            fasen=tuple(v.get("fasen", FASEN)),
            alleen_in_vraag=v.get("alleen_in_vraag", False),
            zinnen=_laag(v.get("zinnen", [])),
            jargon=_laag(v.get("woorden", [])),
            uitleg_zinnen=_laag(v.get("uitleg_zinnen", [])),
            afkortingen=v.get("afkortingen", False),
            gewone_afkortingen=frozenset(_laag(v.get("gewone_afkortingen", []))),
        )
        for soort, v in data["vermijden"].items()
    )
    teksten = data["teksten"]
    bron.controleer_teksten(teksten, TEKST_VELDEN)
    return Oefenboek(
        vraagtypen,
        fasen,
        vermijden,
        _laag(data["willekeurig"]),
        teksten,
        scenarios,
        frozenset(_laag(data.get("ontkenningen", []))),
        {k.lower(): tuple(w.lower().split()) for k, w in data.get("schrijfwijzen", {}).items()},
        data.get("beoordeling", "regels") == "lerend",
    )


def _laad_scenario(pad: Path) -> Scenario:
    bron = YamlBestand(pad)
    bron.controleer(SCENARIO_SCHEMA)
    data = bron.data
    if data["id"] != pad.stem:
        raise bron.fout(["id"], f"moet '{pad.stem}' zijn (de bestandsnaam)")
    return Scenario(
        id=data["id"],
        titel=data["titel"],
        knop=data["knop"],
        situatie=data["situatie"].strip(),
        stappen=tuple(
            Stap(s["fase"], s["klant"].strip(), s["beter"].strip()) for s in data["stappen"]
        ),
        bestand=pad,
        jargon=_laag(data.get("jargon", [])),
    )


def laad_oefenboek(map_: Path = OEFEN_MAP) -> Oefenboek:
    """Load and check the rules and every scenario; raise YamlFout on the first problem."""
    paden = sorted((map_ / "scenarios").glob("*.yml"))
    if not paden:
        raise YamlFout(map_ / "scenarios", None, "geen enkel scenario (*.yml) gevonden")
    scenarios = {s.id: s for s in map(_laad_scenario, paden)}
    return _laad_regels(map_ / "regels.yml", scenarios)
