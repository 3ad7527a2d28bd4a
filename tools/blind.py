"""Blind sets (tests/nlu/blind/set*/): phase labels written from the seeds alone.

Each file is one author's messages with `tekst`, `fase` (a phase or
`buiten_domein`) and `vorm` (situatie, citaat, hoe, gevoel, buiten). The figures
are the ones issue 10 asks for: phase accuracy, macro-F1 over the phases,
confident advice for the wrong phase, out-of-domain to the fallback, and the
confusion between phases. `python -m tools.blind set1` measures one set.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from actions.oefen_gelabeld import VERZEGELD  # one marker for every sealed set
from tools.domein import ROOT, fase_per_intent
from tools.nlu_eval import GEEN_FASE, fase_van

BLIND = ROOT / "tests" / "nlu" / "blind"
BUITEN = "buiten_domein"
FALLBACK_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})


@dataclass(frozen=True)
class Bericht:
    tekst: str
    fase: str
    vorm: str
    auteur: str


@dataclass(frozen=True)
class Uitkomst:
    bericht: Bericht
    intent: str
    zekerheid: float
    fase: str  # predicted phase, GEEN_FASE for fallback and general intents


@dataclass(frozen=True)
class BlindScore:
    n: int
    n_domein: int
    fase_nauwkeurigheid: float
    macro_f1: float
    fout_zeker: float  # in-domain messages that got advice for another phase
    naar_menu: float  # in-domain messages that got the fallback or a general intent
    ood_fallback: float
    per_vorm: dict[str, float]
    per_fase_f1: dict[str, float]
    verwarring: dict[str, dict[str, int]]


def blinde_sets(map_: Path = BLIND) -> list[str]:
    """The sets that may be measured; a set with a VERZEGELD file waits for its one measurement."""
    if not map_.exists():
        return []
    return sorted(p.name for p in map_.iterdir() if p.is_dir() and not (p / VERZEGELD).exists())


def berichten(set_naam: str, map_: Path = BLIND) -> list[Bericht]:
    rijen = []
    for pad in sorted((map_ / set_naam).glob("*.yml")):
        inhoud = yaml.safe_load(pad.read_text(encoding="utf-8"))
        for b in inhoud["berichten"]:
            rijen.append(Bericht(str(b["tekst"]), b["fase"], b["vorm"], pad.stem))
    return rijen


def voorspel(parse: Callable[[str], tuple[str, float]], rijen: Iterable[Bericht]) -> list[Uitkomst]:
    fasen = fase_per_intent()
    uit = []
    for b in rijen:
        intent, zekerheid = parse(b.tekst)
        uit.append(Uitkomst(b, intent, zekerheid, fase_van(intent, fasen)))
    return uit


def _f1(paren: list[tuple[str, str]], fase: str) -> float:
    tp = sum(w == p == fase for w, p in paren)
    voorspeld = sum(p == fase for _, p in paren)
    echt = sum(w == fase for w, _ in paren)
    if not tp:
        return 0.0
    precisie, recall = tp / voorspeld, tp / echt
    return 2 * precisie * recall / (precisie + recall)


def scoor(uitkomsten: list[Uitkomst]) -> BlindScore:
    domein = [u for u in uitkomsten if u.bericht.fase != BUITEN]
    buiten = [u for u in uitkomsten if u.bericht.fase == BUITEN]
    paren = [(u.bericht.fase if u in domein else GEEN_FASE, u.fase) for u in uitkomsten]
    fasen = sorted({u.bericht.fase for u in domein})
    per_fase = {f: _f1(paren, f) for f in fasen}
    vormen = sorted({u.bericht.vorm for u in domein})
    verwarring: dict[str, dict[str, int]] = {}
    for echt, voorspeld in paren:
        verwarring.setdefault(echt, Counter())[voorspeld] += 1  # type: ignore[index]
    return BlindScore(
        n=len(uitkomsten),
        n_domein=len(domein),
        fase_nauwkeurigheid=_aandeel(domein, lambda u: u.fase == u.bericht.fase),
        macro_f1=sum(per_fase.values()) / max(len(per_fase), 1),
        fout_zeker=_aandeel(domein, lambda u: u.fase not in (GEEN_FASE, u.bericht.fase)),
        naar_menu=_aandeel(domein, lambda u: u.fase == GEEN_FASE),
        ood_fallback=_aandeel(buiten, lambda u: u.intent in FALLBACK_INTENTS),
        per_vorm={
            v: _aandeel(
                [u for u in domein if u.bericht.vorm == v], lambda u: u.fase == u.bericht.fase
            )
            for v in vormen
        },
        per_fase_f1=per_fase,
        verwarring={k: dict(v) for k, v in verwarring.items()},
    )


def _aandeel(rijen: list[Uitkomst], goed: Callable[[Uitkomst], bool]) -> float:
    return sum(map(goed, rijen)) / max(len(rijen), 1)


# Phone typos: a neighbouring key, a dropped, doubled or swapped letter.
_RIJEN = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _buren(letter: str) -> str:
    for rij in _RIJEN:
        i = rij.find(letter)
        if i >= 0:
            return rij[max(i - 1, 0) : i] + rij[i + 1 : i + 2]
    return ""


def met_typfouten(tekst: str, rng: random.Random, kans: float = 0.25) -> str:
    """Each word of 4+ letters gets one phone typo with probability `kans`."""
    woorden = []
    for w in tekst.split():
        if len(w) >= 4 and w.isalpha() and rng.random() < kans:
            i = rng.randrange(1, len(w) - 1)
            soort = rng.choice(("buur", "weg", "dubbel", "wissel"))
            if soort == "buur" and _buren(w[i].lower()):
                w = w[:i] + rng.choice(_buren(w[i].lower())) + w[i + 1 :]
            elif soort == "weg":
                w = w[:i] + w[i + 1 :]
            elif soort == "dubbel":
                w = w[:i] + w[i] + w[i:]
            else:
                w = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
        woorden.append(w)
    return " ".join(woorden)


def typfout_kopie(rijen: list[Bericht], zaad: int = 7) -> list[Bericht]:
    rng = random.Random(zaad)
    return [Bericht(met_typfouten(b.tekst, rng), b.fase, b.vorm, b.auteur) for b in rijen]


def rapport(naam: str, s: BlindScore) -> str:
    regels = [
        f"{naam}: {s.n} berichten ({s.n_domein} in het domein)",
        f"  fase-nauwkeurigheid {s.fase_nauwkeurigheid:.3f}, macro-F1 {s.macro_f1:.3f}",
        f"  zeker advies voor de verkeerde fase {s.fout_zeker:.1%},"
        f" naar het menu {s.naar_menu:.1%}",
        f"  buiten domein naar de fallback {s.ood_fallback:.1%}",
        "  per vorm: " + ", ".join(f"{v} {a:.2f}" for v, a in s.per_vorm.items()),
        "  F1 per fase: " + ", ".join(f"{f} {a:.2f}" for f, a in s.per_fase_f1.items()),
        "  verwarring (echt -> voorspeld):",
    ]
    for echt, rij in sorted(s.verwarring.items()):
        fout = {k: n for k, n in sorted(rij.items(), key=lambda x: -x[1]) if k != echt}
        regels.append(
            f"    {echt:<14} goed {rij.get(echt, 0):>3}  "
            + ", ".join(f"{k} {n}" for k, n in fout.items())
        )
    return "\n".join(regels)


def main() -> int:
    from tools.nlu_eval import laad_model_parser

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sets", nargs="+", help="bijv. set1")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "coach.tar.gz")
    parser.add_argument("--typfouten", action="store_true", help="ook een kopie met tikfouten")
    parser.add_argument("--json", type=Path, help="scores ook als JSON hierheen")
    args = parser.parse_args()
    parse = laad_model_parser(args.model)
    alles = {}
    for naam in args.sets:
        rijen = berichten(naam)
        varianten = {naam: rijen}
        if args.typfouten:
            varianten[f"{naam}+typfouten"] = typfout_kopie(rijen)
        for label, r in varianten.items():
            score = scoor(voorspel(parse, r))
            alles[label] = asdict(score)
            print(rapport(label, score))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(alles, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
