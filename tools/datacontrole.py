"""Checks of the training data that `rasa data validate` lets pass, for `make validate`.

Rasa skips an example line without its '- ' with only a warning, accepts an
intent that no rule or story handles, and trains an intent with a handful of
examples. Each of these cost a trainer time; here each is an error that names
the file, the line and the intent, and says how to fix it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from actions.yaml_bron import YamlBestand, YamlFout
from tools.bestandsversie import per_versie
from tools.domein import DOMAIN, ROOT, fase_per_intent

DATA = ROOT / "data"
MIN_VOORBEELDEN = 25
_SOORTEN = ("intent", "synonym", "regex", "lookup")


@dataclass(frozen=True)
class Blok:
    """One `- intent: x` block of an NLU file: where it is and how many examples it has."""

    naam: str
    bestand: Path
    regel: int
    voorbeelden: int


def _waarden(node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): (k, v) for k, v in node.value}


def _lees(pad: Path) -> YamlBestand | YamlFout:
    try:
        return YamlBestand(pad)
    except YamlFout as fout:
        return fout


def gelezen(pad: Path) -> YamlBestand | YamlFout:
    """One file, parsed, or its Dutch error; parsed again only when the file changed."""
    return per_versie("yaml", pad, _lees)


def yaml_bestanden(data: Path = DATA) -> Iterator[YamlBestand | YamlFout]:
    """Every YAML file under `data`, parsed, or the Dutch error that stops it."""
    for pad in sorted(data.rglob("*.yml")):
        yield gelezen(pad)


def _blokken_en_streepjes(bron: YamlBestand) -> tuple[list[Blok], list[str]]:
    blokken: list[Blok] = []
    problemen: list[str] = []
    nlu = _waarden(bron.node).get("nlu")
    items = nlu[1].value if nlu and isinstance(nlu[1], yaml.SequenceNode) else []
    for item in items:
        velden = _waarden(item)
        soort = next((s for s in _SOORTEN if s in velden), None)
        if soort is None or "examples" not in velden:
            continue
        naam = str(velden[soort][1].value)
        voorbeelden = velden["examples"][1]
        if not isinstance(voorbeelden, yaml.ScalarNode):
            continue
        # In a `|` block the text starts on the line after the `|`.
        eerste = voorbeelden.start_mark.line + (2 if voorbeelden.style in "|>" else 1)
        aantal = 0
        for i, regel in enumerate(str(voorbeelden.value).splitlines()):
            if regel.startswith("- ") and regel[2:].strip():
                aantal += 1
            elif regel.strip():
                problemen.append(
                    str(
                        YamlFout(
                            bron.pad,
                            eerste + i if voorbeelden.style in "|>" else eerste,
                            f"{soort} '{naam}': de regel '{regel.strip()}' begint niet met "
                            "'- ' (streepje, spatie), dus Rasa slaat hem stil over; zet '- ' "
                            "ervoor, even ver ingesprongen als de voorbeelden erboven",
                        )
                    )
                )
        blokken.append(Blok(naam, bron.pad, velden[soort][0].start_mark.line + 1, aantal))
    return blokken, problemen


def nlu_blokken(data: Path = DATA) -> tuple[list[Blok], list[str], list[str]]:
    """All NLU blocks under `data`, the files with broken YAML, and the lines without '- '."""
    blokken: list[Blok] = []
    kapot: list[str] = []
    streepjes: list[str] = []
    for bron in yaml_bestanden(data / "nlu"):
        if isinstance(bron, YamlFout):
            kapot.append(str(bron))
            continue
        b, p = _blokken_en_streepjes(bron)
        blokken += b
        streepjes += p
    return blokken, kapot, streepjes


def domein_regels(domain: Path = DOMAIN) -> dict[str, int]:
    """Intent -> its line in domain.yml."""
    bron = gelezen(domain)
    if isinstance(bron, YamlFout):
        raise bron
    intents = _waarden(bron.node).get("intents")
    uit: dict[str, int] = {}
    for item in intents[1].value if intents else []:
        naam = item.value if isinstance(item, yaml.ScalarNode) else item.value[0][0].value
        uit[str(naam)] = item.start_mark.line + 1
    return uit


def _intents_in(data: object) -> Iterator[str]:
    """Every `intent:` of rule and story steps, also inside `or:`."""
    if isinstance(data, dict):
        if isinstance(data.get("intent"), str):
            yield data["intent"]
        for waarde in data.values():
            yield from _intents_in(waarde)
    elif isinstance(data, list):
        for waarde in data:
            yield from _intents_in(waarde)


def problemen_regels(data: Path = DATA, domain: Path = DOMAIN) -> list[str]:
    """Intents in domain.yml that no rule or story handles: the coach would say nothing."""
    behandeld: set[str] = set()
    for map_ in ("rules", "stories"):
        for bron in yaml_bestanden(data / map_):
            if isinstance(bron, YamlBestand):
                behandeld.update(_intents_in(bron.data))
    regels = domein_regels(domain)  # first: a broken domain.yml gets its Dutch error
    fasen = fase_per_intent(domain)
    uit = []
    for intent, regel in regels.items():
        if intent in behandeld:
            continue
        bestand = f"data/rules/{fasen.get(intent, 'algemeen')}.yml"
        uit.append(
            str(
                YamlFout(
                    domain,
                    regel,
                    f"intent '{intent}' staat in geen enkele regel of verhaal, dus de coach "
                    f"antwoordt er niet op; zet in {bestand}: '- rule: advies bij {intent}' met "
                    f"de stappen '- intent: {intent}' en '- action: action_coach'",
                )
            )
        )
    return uit


def problemen_aantal(
    blokken: list[Blok], domain: Path = DOMAIN, minimum: int = MIN_VOORBEELDEN
) -> list[str]:
    """Intents with fewer than `minimum` examples, over all files together."""
    per_intent: dict[str, list[Blok]] = defaultdict(list)
    for blok in blokken:
        per_intent[blok.naam].append(blok)
    uit = []
    for intent, regel in domein_regels(domain).items():
        eigen = per_intent.get(intent, [])
        aantal = sum(b.voorbeelden for b in eigen)
        if aantal >= minimum:
            continue
        bestand, regel = (eigen[0].bestand, eigen[0].regel) if eigen else (domain, regel)
        samen = f" (in {len(eigen)} bestanden samen)" if len(eigen) > 1 else ""
        melding = (
            f"intent '{intent}' heeft {aantal} voorbeelden{samen}, minimaal {minimum}: "
            f"voeg er nog {minimum - aantal} toe, in de vier vormen van docs/fasegids.md"
        )
        uit.append(str(YamlFout(bestand, regel, melding)))
    return uit


def problemen(data: Path = DATA, domain: Path = DOMAIN) -> list[str]:
    """Every problem of the training data that Rasa's own validation lets pass."""
    blokken, kapot, uit = nlu_blokken(data)
    for map_ in ("rules", "stories"):
        kapot += [str(f) for f in yaml_bestanden(data / map_) if isinstance(f, YamlFout)]
    try:
        uit += problemen_regels(data, domain)
        # A broken file hides its examples: counting them would only add false alarms.
        uit += [] if kapot else problemen_aantal(blokken, domain)
    except YamlFout as fout:
        uit.append(str(fout))
    return kapot + uit
