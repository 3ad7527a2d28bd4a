"""Measures the real-customer detector (actions/echte_klant.py) with the trained model.

Practice answers (tests/oefenen/*.yml and blind/auteur_s|t.yml) are all said to a customer:
each one that triggers is a misfire. The situation and quote messages of NLU blind set 1
are reports of the shop: each one that triggers counts for recall. Both are development
sets for this detector (its markers were chosen looking at them).
`python -m tools.echte_klant [model]` prints the figures for docs/oefenen-meting.md.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from actions.echte_klant import Markers, fase_zekerheid, is_echte_klant, laad_markers
from actions.oefenboek import laad_oefenboek
from tools.blind import berichten
from tools.domein import ROOT

ANTWOORDEN = [
    ROOT / "tests" / "oefenen" / "antwoorden.yml",
    ROOT / "tests" / "oefenen" / "onafhankelijk.yml",
    ROOT / "tests" / "oefenen" / "blind" / "auteur_s.yml",
    ROOT / "tests" / "oefenen" / "blind" / "auteur_t.yml",
]
MELDINGEN_SET = "set1"
MELDING_VORMEN = ("situatie", "citaat")

Parser = Callable[[str], Mapping[str, Any]]


def laad_parser(model: Path) -> Parser:
    """The trained model in-process: text -> Rasa's whole parse (with fase_ranking)."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model))
    lus = asyncio.new_event_loop()
    return lambda tekst: lus.run_until_complete(agent.parse_message(tekst))


def antwoorden() -> list[str]:
    return [
        str(r["tekst"])
        for pad in ANTWOORDEN
        for r in yaml.safe_load(pad.read_text(encoding="utf-8"))["antwoorden"]
    ]


def voorbeeldantwoorden() -> list[str]:
    """The scenarios' model answers (`beter`): said to a customer too."""
    return [stap.beter for s in laad_oefenboek().scenarios.values() for stap in s.stappen]


def meldingen() -> list[str]:
    return [b.tekst for b in berichten(MELDINGEN_SET) if b.vorm in MELDING_VORMEN]


@dataclass(frozen=True)
class Meting:
    misfires: list[str]
    n_antwoorden: int
    misfires_voorbeelden: list[str]
    n_voorbeelden: int
    gevonden: int
    n_meldingen: int
    nlu_alleen_misfires: int  # the NLU's phase confidence >= 0.9 alone, for comparison
    nlu_alleen_gevonden: int

    @property
    def recall(self) -> float:
        return self.gevonden / self.n_meldingen


def meet(parse: Parser, markers: Markers | None = None) -> Meting:
    markers = markers or laad_markers()
    neg = [(t, parse(t)) for t in antwoorden()]
    pos = [(t, parse(t)) for t in meldingen()]
    beter = [(t, parse(t)) for t in voorbeeldantwoorden()]
    return Meting(
        misfires=[t for t, p in neg if is_echte_klant(t, p, markers)],
        n_antwoorden=len(neg),
        misfires_voorbeelden=[t for t, p in beter if is_echte_klant(t, p, markers)],
        n_voorbeelden=len(beter),
        gevonden=sum(is_echte_klant(t, p, markers) for t, p in pos),
        n_meldingen=len(pos),
        nlu_alleen_misfires=sum(fase_zekerheid(p) >= 0.9 for _, p in neg),
        nlu_alleen_gevonden=sum(fase_zekerheid(p) >= 0.9 for _, p in pos),
    )


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    model = Path(args[0]) if args else ROOT / "models" / "coach.tar.gz"
    m = meet(laad_parser(model))
    print(f"oefenantwoorden (mogen niet afgaan): {len(m.misfires)} van {m.n_antwoorden} gaan af")
    print(
        f"voorbeeldantwoorden van de scenario's: {len(m.misfires_voorbeelden)} van "
        f"{m.n_voorbeelden} gaan af"
    )
    print(f"meldingen set1 situatie+citaat: {m.gevonden} van {m.n_meldingen} ({m.recall:.1%})")
    print(
        f"ter vergelijking, NLU-fasezekerheid >= 0.9 alleen: {m.nlu_alleen_misfires} misfires, "
        f"{m.nlu_alleen_gevonden} van {m.n_meldingen} gevonden"
    )
    for t in [*m.misfires, *m.misfires_voorbeelden]:
        print(f"  misfire: {t}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
