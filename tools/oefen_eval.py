"""How well the practice-mode judge agrees with the labelled seller answers in tests/oefenen/.

Each labelled answer has a phase, the expected question type (open, gesloten,
alternatief, geen_vraag) and the expected verdict (goed, matig, fout). Used by
`make evaluate` (printed for trainers) and by the tests (thresholds).

    python -m tools.oefen_eval                # the judge regels.yml chooses, per development set
    python -m tools.oefen_eval --regels       # the rules alone
    python -m tools.oefen_eval --fouten       # and every miss, per phase, grouped by kind
    python -m tools.oefen_eval --fouten tests/oefenen/blind/auteur_s.yml
    python -m tools.oefen_eval --cv           # rules, learned model and hybrid, one author out
    python -m tools.oefen_eval --lerend FILE  # the rules completed by the learned verdict
    python -m tools.oefen_eval --cv --genest --kies-op auteur_w,auteur_x --oefenmap DIR
        # choose C and thresholds on the authors the rules in DIR/regels.yml were not written from
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from actions import oefen_model
from actions.beoordeling import Oordeel, beoordeel
from actions.oefen_gelabeld import (
    GELABELD,
    Gelabeld,
    gemeten_sets,
    lees_gelabeld,
    ontwikkelsets,
)
from actions.oefenboek import FASEN, Oefenboek, laad_oefenboek
from tools.domein import ROOT

__all__ = ["GELABELD", "gemeten_sets", "meet", "ontwikkelsets", "rapport"]


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


def model_zonder(boek: Oefenboek, pad: Path) -> oefen_model.Oordeelmodel:
    """The learned verdict trained on every development set except `pad`: a set is never
    judged by a model that learned its own labels (a blind set just marked GEMETEN neither)."""
    andere = [p for p in ontwikkelsets() if p.resolve() != pad.resolve()]
    gelabeld = [g for p in andere for g in lees_gelabeld(p)]
    return oefen_model.train(boek, gelabeld, met_regels=False)


def meet(pad: Path, boek: Oefenboek | None = None, lerend: bool = False) -> Uitslag:
    """The judge on one labelled file; `lerend`: the rules completed by the learned verdict,
    trained without this file."""
    boek = boek or laad_oefenboek()
    model = model_zonder(boek, pad) if lerend else None
    gevallen = []
    for rij in yaml.safe_load(pad.read_text(encoding="utf-8"))["antwoorden"]:
        if model:
            oordeel = oefen_model.beoordeel_lerend(boek, rij["fase"], rij["tekst"], model=model)
        else:
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


# regels: the rule judge; model: the text model alone (words and phase); hybride: the model
# with the rules' findings as features, never goed against a hard rule; aanvulling: the rules,
# and where they say matig the text model's fout or goed when it is sure (oefen_model.aanvulling).
VARIANTEN = ("regels", "model", "hybride", "aanvulling")


@dataclass(frozen=True)
class Vouw:
    """One held-out source in leave-one-author-out cross-validation."""

    bron: str
    n: int
    vraagtype: float  # the rule judge's question type: the same in every variant
    oordeel: dict[str, float]  # verdict accuracy per variant
    train_s: float  # CPU seconds to train the text model on the other sources


def _voorspel(
    boek: Oefenboek,
    train: list[Gelabeld],
    train_regels: list[Oordeel],
    test: list[Gelabeld],
    regels: list[Oordeel],
    c: float,
    drempels: tuple[float, float],
) -> tuple[dict[str, list[str]], float]:
    teksten = [g.tekst for g in test]
    begin = time.process_time()
    alleen = oefen_model.train(boek, train, met_regels=False, c=c)
    train_s = time.process_time() - begin
    met = oefen_model.train(boek, train, train_regels, c=c)
    kansen = [alleen.kansen(boek, o, t) for o, t in zip(regels, teksten, strict=True)]
    voorspeld = {
        "regels": [o.uitslag for o in regels],
        "model": alleen.voorspel(boek, regels, teksten),
        "hybride": [
            oefen_model.hybride(o, u)
            for o, u in zip(regels, met.voorspel(boek, regels, teksten), strict=True)
        ],
        "aanvulling": [
            oefen_model.aanvulling(o, k, *drempels) for o, k in zip(regels, kansen, strict=True)
        ],
    }
    return voorspeld, train_s


def kruisvalidatie(
    paden: list[Path],
    boek: Oefenboek,
    c: float = oefen_model.C,
    drempels: tuple[float, float] = (oefen_model.DREMPEL, oefen_model.DREMPEL_GOED),
) -> list[Vouw]:
    """Leave one source (author, file) out: train on the others, judge the held-out one."""
    per_bron = {pad.stem: lees_gelabeld(pad) for pad in paden}
    regels = {b: [beoordeel(boek, g.fase, g.tekst) for g in gs] for b, gs in per_bron.items()}
    vouwen = []
    for bron, test in per_bron.items():
        train = [g for b, gs in per_bron.items() if b != bron for g in gs]
        train_regels = [o for b, os in regels.items() if b != bron for o in os]
        voorspeld, train_s = _voorspel(boek, train, train_regels, test, regels[bron], c, drempels)
        goed = {
            v: sum(p == g.oordeel for p, g in zip(ps, test, strict=True)) / len(test)
            for v, ps in voorspeld.items()
        }
        vraag = sum(o.vraagtype == g.vraagtype for o, g in zip(regels[bron], test, strict=True))
        vouwen.append(Vouw(bron, len(test), vraag / len(test), goed, train_s))
    return vouwen


C_RASTER = (1.0, 4.0, 16.0)
UIT = 1.01  # a threshold no probability reaches: that half of aanvulling is off
DREMPEL_RASTER = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, UIT)
DREMPELS = [(f, g) for f in DREMPEL_RASTER for g in DREMPEL_RASTER]


def _aanvulling_goed(
    boek: Oefenboek,
    per_bron: dict[str, list[Gelabeld]],
    regels: dict[str, list[Oordeel]],
    bron: str,
    c: float,
) -> dict[tuple[float, float], int]:
    """Per pair of thresholds (fout, goed): how many answers of `bron` aanvulling gets right,
    trained on the rest."""
    train = [g for b, gs in per_bron.items() if b != bron for g in gs]
    model = oefen_model.train(boek, train, met_regels=False, c=c)
    kansen = [
        model.kansen(boek, o, g.tekst) for o, g in zip(regels[bron], per_bron[bron], strict=True)
    ]
    return {
        d: sum(
            oefen_model.aanvulling(o, k, *d) == g.oordeel
            for o, k, g in zip(regels[bron], kansen, per_bron[bron], strict=True)
        )
        for d in DREMPELS
    }


def genest(
    paden: list[Path], boek: Oefenboek, kies_op: frozenset[str] = frozenset()
) -> list[tuple[str, float, tuple[float, float], float]]:
    """Nested leave-one-author-out: per held-out source, C and the thresholds of aanvulling
    are chosen by leave-one-author-out on the other sources only, then measured on it. So the
    choice itself is part of what is measured: (source, C, thresholds, accuracy). `kies_op`:
    choose only on these sources (the authors the rules were not written from; on the others
    the rules are right by construction, which says nothing about a new author)."""
    per_bron = {pad.stem: lees_gelabeld(pad) for pad in paden}
    regels = {b: [beoordeel(boek, g.fase, g.tekst) for g in gs] for b, gs in per_bron.items()}
    uit = []
    for bron in per_bron:
        rest = {b: gs for b, gs in per_bron.items() if b != bron}
        keuze = [b for b in rest if not kies_op or b in kies_op]
        beste: tuple[float, float, tuple[float, float]] = (-1.0, 0.0, (UIT, UIT))
        for c in C_RASTER:
            binnen = {b: _aanvulling_goed(boek, rest, regels, b, c) for b in keuze}
            for d in DREMPELS:
                gemiddeld = statistics.mean(binnen[b][d] / len(rest[b]) for b in keuze)
                beste = max(beste, (gemiddeld, c, d))
        _, c, d = beste
        goed = _aanvulling_goed(boek, per_bron, regels, bron, c)[d]
        uit.append((bron, c, d, goed / len(per_bron[bron])))
    return uit


def cv_rapport(vouwen: list[Vouw]) -> str:
    """A markdown table: per held-out source, the mean over sources, and all answers pooled."""
    kop = "| achtergehouden bron | n | vraagtype | " + " | ".join(VARIANTEN) + " |"
    regels = [kop, "|---|---:|---:|" + "---:|" * len(VARIANTEN)]
    for v in vouwen:
        cijfers = " | ".join(f"{v.oordeel[k]:.3f}" for k in VARIANTEN)
        regels.append(f"| {v.bron} | {v.n} | {v.vraagtype:.3f} | {cijfers} |")
    n = sum(v.n for v in vouwen)
    gemiddeld = " | ".join(
        f"**{statistics.mean(v.oordeel[k] for v in vouwen):.3f}**" for k in VARIANTEN
    )
    vraag_gem = statistics.mean(v.vraagtype for v in vouwen)
    regels.append(f"| **gemiddelde per bron** | {n} | {vraag_gem:.3f} | {gemiddeld} |")
    samen = " | ".join(f"{sum(v.oordeel[k] * v.n for v in vouwen) / n:.3f}" for k in VARIANTEN)
    vraag_samen = sum(v.vraagtype * v.n for v in vouwen) / n
    regels.append(f"| alle antwoorden samen | {n} | {vraag_samen:.3f} | {samen} |")
    traagst = max(v.train_s for v in vouwen)
    regels.append(f"\nTrainen (tekstmodel, per vouw): hoogstens {traagst:.2f} s CPU.")
    return "\n".join(regels)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fouten", action="store_true", help="ook elke misser, per fase")
    parser.add_argument("--cv", action="store_true", help="regels, model en hybride, per auteur")
    parser.add_argument("--c", type=float, default=oefen_model.C, help="regularisatie (--cv)")
    parser.add_argument("--lerend", action="store_true", help="regels + geleerd oordeel")
    parser.add_argument("--regels", action="store_true", help="alleen de regels")
    parser.add_argument("--genest", action="store_true", help="--cv met de keuze van C en drempel")
    parser.add_argument("--drempel", type=float, default=oefen_model.DREMPEL, help="(--cv)")
    parser.add_argument("--drempel-goed", type=float, default=oefen_model.DREMPEL_GOED)
    parser.add_argument("--kies-op", default="", help="--genest kiest alleen op deze bronnen (a,b)")
    parser.add_argument(
        "--oefenmap",
        type=Path,
        help="regels.yml en scenario's uit deze map, bv. de regels van een oudere commit",
    )
    parser.add_argument("bestanden", nargs="*", type=Path, help="standaard: de ontwikkelsets")
    args = parser.parse_args(argv)
    boek = laad_oefenboek(args.oefenmap) if args.oefenmap else laad_oefenboek()
    if args.cv:
        paden = [pad.resolve() for pad in args.bestanden] or ontwikkelsets()
        drempels = (args.drempel, args.drempel_goed)
        print(cv_rapport(kruisvalidatie(paden, boek, args.c, drempels)))
        if args.genest:
            kies_op = frozenset(b for b in args.kies_op.split(",") if b)
            print(
                "\n| achtergehouden bron | gekozen C | drempel fout | drempel goed | aanvulling |"
            )
            print("|---|---:|---:|---:|---:|")
            for bron, c, (f, g), goed in genest(paden, boek, kies_op):
                print(f"| {bron} | {c:g} | {f:g} | {g:g} | {goed:.3f} |")
        return 0
    # Without a flag: the judge regels.yml chooses (`beoordeling:`), as the coach uses it.
    lerend = args.lerend or (boek.lerend and not args.regels)
    print(f"Beoordeling: {'regels + geleerd oordeel' if lerend else 'regels'}")
    uitslagen = [meet(pad.resolve(), boek, lerend) for pad in args.bestanden or ontwikkelsets()]
    for uitslag in uitslagen:
        print(rapport(uitslag, args.fouten))
    if len(uitslagen) > 1:
        samen = Uitslag(Path("samen"), [g for u in uitslagen for g in u.gevallen])
        print(rapport(samen, fouten=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
