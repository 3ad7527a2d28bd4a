"""The advice book: all coaching content, loaded once from actions/inhoud/advies/*.yml.

`fasen.yml` lists the phases in sales order, `producten.yml` the product kinds,
`teksten.yml` the fixed texts of menus and the fallback, and one file per phase
holds the advice per intent. Everything is checked
against a schema on load; an error names the file, the line and the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actions.yaml_bron import INHOUD_MAP, YamlBestand, YamlFout

ADVIES_MAP = INHOUD_MAP / "advies"

_TEKST = {"type": "string", "minLength": 1}
_ZEG = {
    "type": "array",
    "minItems": 1,
    "maxItems": 3,
    "items": {
        "oneOf": [
            _TEKST,
            {  # a labelled sentence, e.g. `- Algemeen: Waar gebruikt u hem voor?`
                "type": "object",
                "minProperties": 1,
                "maxProperties": 1,
                "additionalProperties": _TEKST,
            },
        ]
    },
}

FASEN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["fasen"],
    "additionalProperties": False,
    "properties": {
        "fasen": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "object",
                "required": ["titel"],
                "additionalProperties": False,
                "properties": {
                    "titel": _TEKST,
                    "opent_verkoop": {"type": "boolean"},
                    "met_klant": {"type": "boolean"},
                    "vereist": {"type": "array", "items": _TEKST},
                    "waarschuwing": _TEKST,
                },
                "dependencies": {"vereist": ["waarschuwing"]},
            },
        }
    },
}

PRODUCTEN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["producten"],
    "additionalProperties": False,
    "properties": {
        "producten": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["titel", "woorden"],
                "additionalProperties": False,
                "properties": {
                    "titel": _TEKST,
                    "woorden": {"type": "array", "minItems": 1, "items": _TEKST},
                },
            },
        }
    },
}

TEKST_SLEUTELS = (
    "niet_begrepen",
    "buiten_domein",
    "fase_menu",
    "situatie_menu",
    "nieuwe_klant",
    "fase_overzicht",
    "fase_overzicht_leeg",
    "bedoel_je",
    "oefenen_vraag",
    "oefenen_ja",
    "iets_anders",
)
TEKSTEN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["teksten", "nieuwe_klant_knoppen"],
    "additionalProperties": False,
    "properties": {
        "teksten": {
            "type": "object",
            "required": list(TEKST_SLEUTELS),
            "additionalProperties": False,
            "properties": {k: _TEKST for k in TEKST_SLEUTELS},
        },
        "nieuwe_klant_knoppen": {"type": "array", "maxItems": 3, "items": _TEKST},
    },
}

FASE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["fase", "adviezen"],
    "additionalProperties": False,
    "properties": {
        "fase": _TEKST,
        "adviezen": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "object",
                "required": ["situatie", "varianten"],
                "additionalProperties": False,
                "properties": {
                    "situatie": {"type": "string", "minLength": 1, "maxLength": 28},
                    "varianten": {
                        "type": "array",
                        "minItems": 2,
                        "items": {
                            "type": "object",
                            "required": ["tip", "zeg"],
                            "additionalProperties": False,
                            "properties": {"tip": _TEKST, "zeg": _ZEG, "niet": _TEKST},
                        },
                    },
                    "per_product": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "object",
                            "required": ["zeg"],
                            "additionalProperties": False,
                            "properties": {"zeg": _ZEG},
                        },
                    },
                    "volgende": {"type": "array", "maxItems": 3, "items": _TEKST},
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Variant:
    tip: str
    zeg: tuple[str, ...]
    niet: str | None = None


@dataclass(frozen=True)
class Advies:
    intent: str
    fase: str
    situatie: str
    varianten: tuple[Variant, ...]
    per_product: dict[str, tuple[str, ...]] = field(default_factory=dict)
    volgende: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fase:
    naam: str
    titel: str
    opent_verkoop: bool = False
    met_klant: bool = False
    vereist: tuple[str, ...] = ()
    waarschuwing: str | None = None


@dataclass(frozen=True)
class Productsoort:
    naam: str
    titel: str
    woorden: tuple[str, ...]


@dataclass(frozen=True)
class Adviesboek:
    fasen: dict[str, Fase]
    producten: dict[str, Productsoort]
    adviezen: dict[str, Advies]
    teksten: dict[str, str]
    nieuwe_klant_knoppen: tuple[str, ...]
    bestanden: dict[str, Path]  # intent -> file it came from, for error messages

    def adviezen_in_fase(self, fase: str) -> list[Advies]:
        return [a for a in self.adviezen.values() if a.fase == fase]


def _zin(item: str | dict[str, str]) -> str:
    """A `zeg` item as display text: `"zin"` or `Label: "zin"`."""
    if isinstance(item, dict):
        ((label, zin),) = item.items()
        return f'{label}: "{zin.strip()}"'
    return f'"{item.strip()}"'


def laad_fasen(pad: Path = ADVIES_MAP / "fasen.yml") -> dict[str, Fase]:
    """The phases in sales order: the one list, read by the advice, practice and the bench."""
    bron = YamlBestand(pad)
    bron.controleer(FASEN_SCHEMA)
    fasen = {
        naam: Fase(
            naam=naam,
            titel=f["titel"],
            opent_verkoop=f.get("opent_verkoop", False),
            met_klant=f.get("met_klant", False),
            vereist=tuple(f.get("vereist", ())),
            waarschuwing=f.get("waarschuwing"),
        )
        for naam, f in bron.data["fasen"].items()
    }
    for naam, fase in fasen.items():
        for nodig in fase.vereist:
            if nodig not in fasen:
                raise bron.fout(["fasen", naam, "vereist"], f"onbekende fase '{nodig}'")
    return fasen


def _laad_producten(pad: Path) -> dict[str, Productsoort]:
    bron = YamlBestand(pad)
    bron.controleer(PRODUCTEN_SCHEMA)
    return {
        naam: Productsoort(naam, p["titel"], tuple(w.lower() for w in p["woorden"]))
        for naam, p in bron.data["producten"].items()
    }


def laad_adviesboek(map_: Path = ADVIES_MAP) -> Adviesboek:
    """Load and check every advice file; raise YamlFout on the first problem."""
    fasen = laad_fasen(map_ / "fasen.yml")
    producten = _laad_producten(map_ / "producten.yml")
    teksten = YamlBestand(map_ / "teksten.yml")
    teksten.controleer(TEKSTEN_SCHEMA)
    adviezen: dict[str, Advies] = {}
    bestanden: dict[str, Path] = {}
    bronnen: dict[str, YamlBestand] = {}
    for naam in fasen:
        pad = map_ / f"{naam}.yml"
        if not pad.exists():
            raise YamlFout(
                pad, None, f"ontbreekt: fase '{naam}' uit fasen.yml heeft geen adviesbestand"
            )
        bron = YamlBestand(pad)
        bron.controleer(FASE_SCHEMA)
        if bron.data["fase"] != naam:
            raise bron.fout(["fase"], f"moet '{naam}' zijn (de bestandsnaam)")
        for intent, a in bron.data["adviezen"].items():
            if intent in adviezen:
                raise bron.fout(["adviezen", intent], f"staat ook al in {bestanden[intent].name}")
            for soort in a.get("per_product", {}):
                if soort not in producten:
                    raise bron.fout(
                        ["adviezen", intent, "per_product", soort],
                        f"onbekende productsoort (kies uit: {', '.join(producten)})",
                    )
            adviezen[intent] = Advies(
                intent=intent,
                fase=naam,
                situatie=a["situatie"],
                varianten=tuple(
                    Variant(v["tip"].strip(), tuple(_zin(z) for z in v["zeg"]), v.get("niet"))
                    for v in a["varianten"]
                ),
                per_product={
                    soort: tuple(_zin(z) for z in p["zeg"])
                    for soort, p in a.get("per_product", {}).items()
                },
                volgende=tuple(a.get("volgende", ())),
            )
            bestanden[intent] = pad
            bronnen[intent] = bron
    for intent, advies in adviezen.items():
        for i, volgend in enumerate(advies.volgende):
            if volgend not in adviezen:
                raise bronnen[intent].fout(
                    ["adviezen", intent, "volgende", i], f"'{volgend}' heeft geen advies"
                )
    try:
        teksten.data["teksten"]["fase_overzicht"].format(fase="", verloop="")
    except (KeyError, IndexError, ValueError) as fout:
        raise teksten.fout(
            ["teksten", "fase_overzicht"], f"alleen {{fase}} en {{verloop}} mogen erin ({fout})"
        ) from None
    for i, intent in enumerate(teksten.data["nieuwe_klant_knoppen"]):
        if intent not in adviezen:
            raise teksten.fout(["nieuwe_klant_knoppen", i], f"'{intent}' heeft geen advies")
    return Adviesboek(
        fasen=fasen,
        producten=producten,
        adviezen=adviezen,
        teksten=teksten.data["teksten"],
        nieuwe_klant_knoppen=tuple(teksten.data["nieuwe_klant_knoppen"]),
        bestanden=bestanden,
    )
