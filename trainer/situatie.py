"""A new situation from the web form: the same four files a trainer edits by hand.

docs/trainers.md's recipe, as one transaction: the intent in domain.yml (intent
list and the `fase` slot's mapping), the examples in data/nlu/<fase>/inbox.yml
(trainer/labelen.py), a rule in data/rules/<fase>.yml and the advice in
actions/inhoud/advies/<fase>.yml. All four are written round-trip (ruamel.yaml: the
comments and the order stay), then the checks of `make validate` run
(labelen.controleer_alles); if one fails, every file is put back as it was.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from actions.adviesboek import ADVIES_MAP
from stack.paths import ROOT
from tools.datacontrole import MIN_VOORBEELDEN
from trainer import labelen
from trainer.inbox import normaliseer

NAAM = re.compile(r"[a-z][a-z0-9_]{2,60}")
MAX_SITUATIE = 28  # characters of the title (the schema in actions.adviesboek)
MAX_ZEG = 3  # sentences per variant (idem)
MIN_VARIANTEN = 2  # the coach never repeats itself (idem)


@dataclass
class Variant:
    tip: str
    zeg: list[str]
    niet: str = ""


@dataclass
class NieuweSituatie:
    intent: str
    fase: str
    titel: str  # `situatie:` in the advice file, shown as the button text
    voorbeelden: list[str]
    varianten: list[Variant] = field(default_factory=list)


def _yaml(sequence: int, offset: int) -> YAML:
    yaml = YAML()  # round-trip, with each file's own list indent
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=sequence, offset=offset)
    return yaml


DOMEIN_YAML = (4, 2)  # domain.yml and actions/inhoud/advies/*.yml: `  - item`
REGELS_YAML = (2, 0)  # data/rules/*.yml: `- rule:`


def fasen(project: Path = ROOT) -> list[str]:
    return sorted(set(labelen.fase_per_intent(project / "domain.yml").values()))


def problemen(nieuw: NieuweSituatie, project: Path = ROOT) -> list[str]:
    """What is wrong with the form, in Dutch; [] when it can be written."""
    uit: list[str] = []
    bekend = labelen.fase_per_intent(project / "domain.yml")
    if nieuw.fase not in fasen(project):
        uit.append(f"Kies een fase uit de lijst ({', '.join(fasen(project))}).")
    if not NAAM.fullmatch(nieuw.intent) or not nieuw.intent.startswith(f"{nieuw.fase}_"):
        uit.append(
            f"De naam moet beginnen met '{nieuw.fase}_' en verder alleen kleine letters, cijfers "
            "en _ hebben (3 tot 61 tekens), bijv. bezwaar_korting."
        )
    elif nieuw.intent in bekend:
        uit.append(f"De situatie '{nieuw.intent}' bestaat al (fase {bekend[nieuw.intent]}).")
    if not 1 <= len(nieuw.titel) <= MAX_SITUATIE:
        uit.append(f"De titel is 1 tot {MAX_SITUATIE} tekens (nu {len(nieuw.titel)}).")
    if len(nieuw.voorbeelden) < MIN_VOORBEELDEN:  # make validate's limit, said before writing
        uit.append(
            f"Geef minstens {MIN_VOORBEELDEN} voorbeelden, één per regel (nu "
            f"{len(nieuw.voorbeelden)}), in de vier vormen van docs/fasegids.md."
        )
    voorbeelden = labelen.bekende_voorbeelden(project / "data")
    for tekst in nieuw.voorbeelden:
        if len(tekst) > labelen.MAX_TEKST:
            uit.append(f"Voorbeeld te lang (max. {labelen.MAX_TEKST} tekens): {tekst[:40]}…")
        elif (al := voorbeelden.get(normaliseer(tekst))) is not None:
            uit.append(f"“{tekst}” is al een voorbeeld van {al[0]} ({al[1].name}).")
    if len(nieuw.varianten) < MIN_VARIANTEN:
        uit.append(f"Geef minstens {MIN_VARIANTEN} varianten van het advies (tip en zin).")
    for i, variant in enumerate(nieuw.varianten, start=1):
        if not variant.tip or not 1 <= len(variant.zeg) <= MAX_ZEG:
            uit.append(f"Variant {i}: een tip en 1 tot {MAX_ZEG} zinnen om te zeggen.")
    return uit


def _laad(pad: Path, stijl: tuple[int, int]) -> tuple[YAML, CommentedMap]:
    yaml = _yaml(*stijl)
    return yaml, yaml.load(pad.read_text(encoding="utf-8"))


def _bewaar(pad: Path, yaml: YAML, inhoud: CommentedMap) -> None:
    uit = io.StringIO()
    yaml.dump(inhoud, uit)
    pad.write_text(uit.getvalue(), encoding="utf-8")


def _domein(pad: Path, nieuw: NieuweSituatie) -> None:
    yaml, domein = _laad(pad, DOMEIN_YAML)
    intents: CommentedSeq = domein["intents"]
    van_fase = [i for i, naam in enumerate(intents) if str(naam).startswith(f"{nieuw.fase}_")]
    intents.insert(van_fase[-1] + 1 if van_fase else len(intents), nieuw.intent)
    for mapping in domein["slots"]["fase"]["mappings"]:
        if mapping.get("value") == nieuw.fase and mapping.get("type") == "from_intent":
            mapping["intent"].append(nieuw.intent)
            break
    _bewaar(pad, yaml, domein)


def _regel(pad: Path, intent: str) -> None:
    yaml, regels = _laad(pad, REGELS_YAML)
    stappen = [CommentedMap(intent=intent), CommentedMap(action="action_coach")]
    regels["rules"].append(CommentedMap(rule=f"advies bij {intent}", steps=stappen))
    _bewaar(pad, yaml, regels)


def _advies(pad: Path, nieuw: NieuweSituatie) -> None:
    yaml, boek = _laad(pad, DOMEIN_YAML)
    varianten = []
    for v in nieuw.varianten:
        variant = CommentedMap(tip=v.tip, zeg=list(v.zeg))
        if v.niet:
            variant["niet"] = v.niet
        varianten.append(variant)
    boek["adviezen"][nieuw.intent] = CommentedMap(situatie=nieuw.titel, varianten=varianten)
    _bewaar(pad, yaml, boek)


def voeg_toe(nieuw: NieuweSituatie, project: Path = ROOT) -> labelen.Resultaat:
    """Write the situation into the four files and check; on any problem nothing changes."""
    if fout := problemen(nieuw, project):
        return labelen.Resultaat(False, project, fout)
    data, domain = project / "data", project / "domain.yml"
    nlu = data / "nlu" / nieuw.fase / "inbox.yml"
    regels = data / "rules" / f"{nieuw.fase}.yml"
    advies = project / ADVIES_MAP.relative_to(ROOT) / f"{nieuw.fase}.yml"
    with labelen._slot(data):  # one writer at a time, as labelling
        oud = {p: (p.read_bytes() if p.is_file() else None) for p in (domain, nlu, regels, advies)}
        try:
            _domein(domain, nieuw)
            for tekst in nieuw.voorbeelden:
                labelen.schrijf_voorbeeld(nlu, tekst, nieuw.intent)
            _regel(regels, nieuw.intent)
            _advies(advies, nieuw)
            meldingen = labelen.controleer_alles(data, domain, project / "config.yml")
        except Exception as exc:  # a file that cannot be written: put everything back
            meldingen = [f"Schrijven mislukte: {exc}"]
        if meldingen:
            for pad, inhoud in oud.items():
                if inhoud is None:
                    pad.unlink(missing_ok=True)
                else:
                    pad.write_bytes(inhoud)
            return labelen.Resultaat(
                False, nlu, ["De controle faalde; alle bestanden zijn teruggezet.", *meldingen]
            )
    return labelen.Resultaat(
        True,
        nlu,
        [
            f"Situatie {nieuw.intent} toegevoegd in domain.yml, {nlu.relative_to(project)}, "
            f"{regels.relative_to(project)} en {advies.relative_to(project)}.",
            "Train opnieuw (Training) zodat de coach haar herkent.",
        ],
    )
