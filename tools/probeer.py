"""`make probeer ZIN="..."`: try one sentence without servers, for trainers.

Loads the model in-process (tools/nlu_eval.py) and runs the same custom
actions the action server runs (actions/coach_acties.py), so the reply is
exactly what a seller would see as the first message of a sale: the advice,
or the "Bedoel je ...?" question with its buttons when the coach is unsure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tools.stil import stil

FALLBACK = "nlu_fallback"
MODEL = Path(__file__).resolve().parent.parent / "models" / "coach.tar.gz"
GEEN_ZIN = 'Geef een zin om te proberen, bijvoorbeeld: make probeer ZIN="klant vindt het te duur"'


def _tracker(uitkomst: dict[str, Any]) -> Any:
    """A tracker as Rasa sends it to the action server for a new sale's first message."""
    from rasa_sdk import Tracker

    product = next(
        (e.get("value") for e in uitkomst.get("entities") or [] if e.get("entity") == "product"),
        None,
    )
    return Tracker(
        sender_id="probeer",
        slots={"product": product},
        latest_message=uitkomst,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def antwoord(uitkomst: dict[str, Any]) -> list[dict[str, Any]]:
    """The messages the action server answers with (advice, or "Bedoel je ...?")."""
    from rasa_sdk.executor import CollectingDispatcher

    from actions.coach_acties import BOEK, ActionBedoelJe, ActionCoach

    intent = (uitkomst.get("intent") or {}).get("name")
    actie = ActionBedoelJe() if intent == FALLBACK else ActionCoach()
    if intent != FALLBACK and intent not in BOEK.adviezen:
        return []
    dispatcher = CollectingDispatcher()
    asyncio.run(actie.run(dispatcher, _tracker(uitkomst), {}))
    return dispatcher.messages


def _intent_tekst(rij: dict[str, Any], fasen: dict[str, str]) -> str:
    naam = str(rij.get("name"))
    fase = f"fase {fasen[naam]}" if naam in fasen else "geen fase"
    return f"{naam} ({fase}), zekerheid {float(rij.get('confidence') or 0):.2f}"


def rapport(zin: str, uitkomst: dict[str, Any], fasen: dict[str, str]) -> str:
    """What a trainer reads: situation, confidence, runner-up, and the seller's reply."""
    ranking = [r for r in uitkomst.get("intent_ranking") or [] if r.get("name") != FALLBACK]
    intent = (uitkomst.get("intent") or {}).get("name")
    regels = [f'Zin: "{zin}"']
    if intent == FALLBACK:
        regels.append(
            "Herkend: niet zeker genoeg, dus de coach gokt niet en vraagt 'Bedoel je ...?'"
        )
        if ranking:
            regels.append(f"Beste gok:   {_intent_tekst(ranking[0], fasen)}")
    elif ranking:
        regels.append(f"Herkend:     {_intent_tekst(ranking[0], fasen)}")
    if len(ranking) > 1:
        regels.append(f"Tweede keus: {_intent_tekst(ranking[1], fasen)}")
    producten = [e["value"] for e in uitkomst.get("entities") or [] if e.get("entity") == "product"]
    if producten:
        regels.append(f"Product:     {', '.join(map(str, producten))}")
    berichten = antwoord(uitkomst)
    if not berichten:
        regels += [
            "",
            f"'{intent}' is geen adviessituatie: de coach volgt zijn regel in data/rules/.",
        ]
    for bericht in berichten:
        regels += ["", "Wat de verkoper ziet:", "-" * 40, str(bericht.get("text") or "")]
        knoppen = [f"[{k['title']}]" for k in bericht.get("buttons") or []]
        if knoppen:
            regels.append("knoppen: " + " ".join(knoppen))
        regels.append("-" * 40)
    return "\n".join(regels)


def main(
    argv: list[str] | None = None, parse: Callable[[str], dict[str, Any]] | None = None
) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("zin", nargs="*", help="de zin (of de omgevingsvariabele ZIN)")
    parser.add_argument("--model", type=Path, default=MODEL)
    args = parser.parse_args(argv)
    zin = " ".join(args.zin).strip() or os.environ.get("ZIN", "").strip()
    if not zin:
        print(GEEN_ZIN)
        return 2
    if parse is None:
        if not args.model.is_file():
            print(f"Geen model in {args.model}: train eerst met `make train`.")
            return 1
        stil()
        from tools.nlu_eval import laad_model

        parse = laad_model(args.model)
    from tools.domein import fase_per_intent

    print(rapport(zin, parse(zin), fase_per_intent()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
