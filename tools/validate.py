"""`make validate`: the project's own checks of the advice files, for trainers.

Rasa's `rasa data validate` checks NLU, stories, rules and the domain. This adds
what Rasa lets pass (tools/datacontrole.py: an example line without '- ', an
intent no rule handles, an intent with fewer than 25 examples) and what Rasa
cannot know: every phase intent has advice in the right file, every advice
belongs to a known intent, every possible reply fits in one message, and in
practice mode every model answer (`beter`) passes its own step's checks.
Exit code 1 with one Dutch line per problem: file, line, key and how to fix it.
"""

from __future__ import annotations

import itertools
import sys

from actions.adviesboek import ADVIES_MAP, Adviesboek, laad_adviesboek
from actions.coach import MAX_LENGTE, formatteer
from actions.echte_klant import laad_markers
from actions.oefen_model import oordelaar
from actions.oefenboek import Oefenboek, laad_oefenboek
from actions.voortgang import laad_instellingen
from actions.yaml_bron import YamlBestand, YamlFout
from tools import datacontrole
from tools.domein import DOMAIN, ROOT, fase_per_intent


def _rel(pad: object) -> str:
    try:
        return str(pad.relative_to(ROOT))  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return str(pad)


def problemen_dekking(boek: Adviesboek, fasen: dict[str, str]) -> list[str]:
    """Intents without advice, and advice without (or in the wrong) intent."""
    uit = []
    for intent, fase in fasen.items():
        if intent not in boek.adviezen:
            uit.append(
                f"{_rel(ADVIES_MAP / f'{fase}.yml')}: intent '{intent}' heeft geen advies; "
                f"zet onder 'adviezen:' een blok '{intent}:' met situatie en varianten"
            )
        elif boek.adviezen[intent].fase != fase:
            bestand = _rel(boek.bestanden[intent])
            uit.append(
                f"{bestand}: '{intent}' hoort volgens domain.yml bij fase '{fase}'; "
                f"verplaats het advies naar {_rel(ADVIES_MAP / f'{fase}.yml')}"
            )
    for intent in boek.adviezen:
        if intent not in fasen:
            uit.append(
                f"{_rel(boek.bestanden[intent])}: advies voor '{intent}', "
                f"maar {DOMAIN.name} koppelt die intent niet aan een fase; zet hem onder "
                "'intents:' en in de lijst 'intent:' van zijn fase bij het slot 'fase'"
            )
    for fase in set(fasen.values()) - set(boek.fasen):
        uit.append(
            f"{_rel(ADVIES_MAP / 'fasen.yml')}: fase '{fase}' uit domain.yml ontbreekt; "
            "voeg hem toe onder 'fasen:'"
        )
    return uit


def problemen_lengte(boek: Adviesboek) -> list[str]:
    """Every variant x product kind x warning must fit in MAX_LENGTE characters."""
    uit = []
    for advies in boek.adviezen.values():
        bron = YamlBestand(boek.bestanden[advies.intent])
        soorten = [None, *(boek.producten[s] for s in advies.per_product)]
        let_op = [None, boek.fasen[advies.fase].waarschuwing]
        for (i, variant), soort, waarschuwing in itertools.product(
            enumerate(advies.varianten), soorten, let_op
        ):
            tekst = formatteer(boek, advies, variant, soort, waarschuwing)
            if len(tekst) > MAX_LENGTE:
                waar = f" met product {soort.naam}" if soort else ""
                waar += " met de waarschuwing van de fase" if waarschuwing else ""
                melding = (
                    f"het antwoord{waar} is te lang: {len(tekst)} tekens, maximaal "
                    f"{MAX_LENGTE}; maak tip, zinnen of 'niet' korter"
                )
                uit.append(str(bron.fout(["adviezen", advies.intent, "varianten", i], melding)))
                break
    return uit


def problemen_oefenen(oefenboek: Oefenboek) -> list[str]:
    """A scenario's model answer that the judge would not call 'goed' teaches the wrong thing."""
    uit = []
    beoordeel = oordelaar(oefenboek)  # the judge the action server uses
    for scenario in oefenboek.scenarios.values():
        for i, stap in enumerate(scenario.stappen):
            oordeel = beoordeel(oefenboek, stap.fase, stap.beter, jargon=scenario.jargon)
            if oordeel.uitslag != "goed":
                bron = YamlBestand(scenario.bestand)
                melding = (
                    f"het voorbeeldantwoord scoort '{oordeel.uitslag}' in fase {stap.fase}, "
                    f"moet 'goed' zijn: {oordeel.feedback[0]}"
                )
                uit.append(str(bron.fout(["stappen", i, "beter"], melding)))
    return uit


def main() -> int:
    problemen = datacontrole.problemen()
    try:
        boek = laad_adviesboek()
        oefenboek = laad_oefenboek()
        laad_markers()  # echte_klant.yml
        laad_instellingen()  # voortgang.yml
    except YamlFout as fout:
        problemen.append(str(fout))
    else:
        problemen += (
            problemen_dekking(boek, fase_per_intent())
            + problemen_lengte(boek)
            + problemen_oefenen(oefenboek)
        )
    for p in problemen:
        print(f"FOUT {p}")
    if problemen:
        print(f"{len(problemen)} fout(en): los ze op en draai `make validate` opnieuw.")
        return 1
    print(
        f"Trainingsdata OK: {len(datacontrole.domein_regels())} intents, elk met een regel "
        f"en minstens {datacontrole.MIN_VOORBEELDEN} voorbeelden."
    )
    print(f"Advies OK: {len(boek.adviezen)} situaties in {len(boek.fasen)} fasen.")
    print(f"Oefenen OK: {len(oefenboek.scenarios)} scenario's.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
