"""How well the practice-mode judge agrees with the labelled seller answers in tests/oefenen/.

Each labelled answer has a phase, the expected question type (open, gesloten,
alternatief, geen_vraag) and the expected verdict (goed, matig, fout). Used by
`make evaluate` (printed for trainers) and by the tests (thresholds).

    python -m tools.oefen_eval                # the figures per development set, and together
    python -m tools.oefen_eval --fouten       # and every miss, per phase, grouped by kind
    python -m tools.oefen_eval --fouten tests/oefenen/blind/auteur_s.yml
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from actions.beoordeling import beoordeel
from actions.oefenboek import FASEN, Oefenboek, laad_oefenboek
from tools.blind import VERZEGELD
from tools.domein import ROOT

GELABELD = ROOT / "tests" / "oefenen"
# The first blind set of issue 14 (authors s and t) became a development set in session 5.
ONTWIKKEL_BLIND = GELABELD / "blind"
# A later blind set (blind/setN/) is one once measured: GEMETEN marks it. A sealed set
# (VERZEGELD) waits for its one measurement, so its files are never opened here.
GEMETEN = "GEMETEN"


def gemeten_sets(map_: Path = ONTWIKKEL_BLIND) -> list[Path]:
    """The blind set folders that have had their one measurement, so may be tuned on."""
    if not map_.exists():
        return []
    return sorted(
        p
        for p in map_.iterdir()
        if p.is_dir() and (p / GEMETEN).exists() and not (p / VERZEGELD).exists()
    )


def ontwikkelsets() -> list[Path]:
    """The labelled sets the judge may be tuned on."""
    sets = sorted(GELABELD.glob("*.yml")) + sorted(ONTWIKKEL_BLIND.glob("auteur_*.yml"))
    for map_ in gemeten_sets():
        sets += sorted(map_.glob("auteur_*.yml"))
    return sets


@dataclass(frozen=True)
class Geval:
    fase: str
    tekst: str
    vraagtype: str
    oordeel: str
    voorspeld_vraagtype: str
    voorspeld_oordeel: str
    vermeden: tuple[str, ...] = ()  # what the judge found to avoid


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
                oordeel.vermeden,
            )
        )
    return Uitslag(pad, gevallen)


def _naam(pad: Path) -> str:
    return str(pad.relative_to(ROOT)) if pad.is_relative_to(ROOT) else str(pad)


def fouten_per_fase(gevallen: list[Geval]) -> list[str]:
    """The misses per phase, grouped by kind ('goed gelezen als matig'): where to look first."""
    groepen: dict[tuple[str, str], list[Geval]] = defaultdict(list)
    for g in gevallen:
        if g.oordeel != g.voorspeld_oordeel:
            groepen[(g.fase, f"{g.oordeel} gelezen als {g.voorspeld_oordeel}")].append(g)
        if g.vraagtype != g.voorspeld_vraagtype:
            soort = f"vraagtype {g.vraagtype} gelezen als {g.voorspeld_vraagtype}"
            groepen[(g.fase, soort)].append(g)
    regels = []
    for fase in FASEN:
        soorten = sorted((s, gs) for (f, s), gs in groepen.items() if f == fase)
        if soorten:
            regels.append(f"  {fase}:")
        for soort, gs in soorten:
            regels.append(f"    {soort}: {len(gs)}x")
            for g in gs:
                gevonden = f"  (vermeden: {', '.join(g.vermeden)})" if g.vermeden else ""
                regels.append(f"      - {g.tekst!r}{gevonden}")
    return regels


def rapport(uitslag: Uitslag, fouten: bool = True) -> str:
    regels = [
        f"{_naam(uitslag.bestand)}: {len(uitslag.gevallen)} antwoorden",
        f"  vraagtype goed: {uitslag.vraagtype_nauwkeurigheid:.3f}",
        f"  oordeel goed:   {uitslag.oordeel_nauwkeurigheid:.3f}",
    ]
    if fouten:
        regels += fouten_per_fase(uitslag.gevallen)
    return "\n".join(regels)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fouten", action="store_true", help="ook elke misser, per fase")
    parser.add_argument("bestanden", nargs="*", type=Path, help="standaard: de ontwikkelsets")
    args = parser.parse_args(argv)
    boek = laad_oefenboek()
    uitslagen = [meet(pad.resolve(), boek) for pad in args.bestanden or ontwikkelsets()]
    for uitslag in uitslagen:
        print(rapport(uitslag, args.fouten))
    if len(uitslagen) > 1:
        samen = Uitslag(Path("samen"), [g for u in uitslagen for g in u.gevallen])
        print(rapport(samen, fouten=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
