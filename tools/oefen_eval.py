"""How well the practice-mode judge agrees with the labelled seller answers in tests/oefenen/.

Each labelled answer has a phase, the expected question type (open, gesloten,
alternatief, geen_vraag) and the expected verdict (goed, matig, fout). Used by
`make evaluate` (printed for trainers) and by the tests (thresholds).
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from actions.beoordeling import beoordeel
from actions.oefenboek import Oefenboek, laad_oefenboek
from tools.domein import ROOT

GELABELD = ROOT / "tests" / "oefenen"


@dataclass(frozen=True)
class Geval:
    fase: str
    tekst: str
    vraagtype: str
    oordeel: str
    voorspeld_vraagtype: str
    voorspeld_oordeel: str


@dataclass(frozen=True)
class Uitslag:
    bestand: Path
    gevallen: list[Geval]

    @property
    def vraagtype_nauwkeurigheid(self) -> float:
        return sum(g.vraagtype == g.voorspeld_vraagtype for g in self.gevallen) / len(self.gevallen)

    @property
    def oordeel_nauwkeurigheid(self) -> float:
        return sum(g.oordeel == g.voorspeld_oordeel for g in self.gevallen) / len(self.gevallen)

    @property
    def fouten(self) -> list[Geval]:
        return [
            g
            for g in self.gevallen
            if (g.vraagtype, g.oordeel) != (g.voorspeld_vraagtype, g.voorspeld_oordeel)
        ]


def meet(pad: Path, boek: Oefenboek | None = None) -> Uitslag:
    boek = boek or laad_oefenboek()
    gevallen = []
    for rij in yaml.safe_load(pad.read_text(encoding="utf-8"))["antwoorden"]:
        oordeel = beoordeel(boek, rij["fase"], rij["tekst"])
        gevallen.append(
            Geval(
                rij["fase"],
                rij["tekst"],
                rij["vraagtype"],
                rij["oordeel"],
                oordeel.vraagtype,
                oordeel.uitslag,
            )
        )
    return Uitslag(pad, gevallen)


def rapport(uitslag: Uitslag) -> str:
    naam = uitslag.bestand.relative_to(ROOT)
    regels = [
        f"{naam}: {len(uitslag.gevallen)} antwoorden",
        f"  vraagtype goed: {uitslag.vraagtype_nauwkeurigheid:.3f}",
        f"  oordeel goed:   {uitslag.oordeel_nauwkeurigheid:.3f}",
    ]
    verwisseld = Counter(
        (g.vraagtype, g.voorspeld_vraagtype)
        for g in uitslag.gevallen
        if g.vraagtype != g.voorspeld_vraagtype
    )
    for (verwacht, kreeg), aantal in verwisseld.most_common():
        regels.append(f"  vraagtype {verwacht} gelezen als {kreeg}: {aantal}x")
    for g in uitslag.fouten:
        regels.append(
            f"  - [{g.fase}] {g.tekst!r}: verwacht {g.vraagtype}/{g.oordeel}, "
            f"kreeg {g.voorspeld_vraagtype}/{g.voorspeld_oordeel}"
        )
    return "\n".join(regels)


def main() -> int:
    boek = laad_oefenboek()
    for pad in sorted(GELABELD.glob("*.yml")):
        print(rapport(meet(pad, boek)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
