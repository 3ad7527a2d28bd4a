"""Cross-validation that keeps authors apart: leave one author out (`make evaluate CV=1`).

Every file `data/nlu/<fase>/<auteur>.yml` belongs to the author named by its stem
(`basis` is the data from before the author split). Each fold trains on all other
authors and tests on one, so a fold never sees the test author's phrasing. The
general files at the top of data/nlu/ (greetings, menu, practice mode) are always
trained on and never tested. Reported per phase (accuracy, macro-F1) next to per
intent (accuracy).
"""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from tools.domein import ROOT, nlu_voorbeelden
from tools.nlu_eval import Voorspelling, fase_scores, laad_model_parser

NLU = ROOT / "data" / "nlu"


@dataclass(frozen=True)
class Vouw:
    auteur: str
    n: int
    fase_nauwkeurigheid: float
    macro_f1: float
    intent_nauwkeurigheid: float


def auteurs(map_: Path = NLU) -> dict[str, list[Path]]:
    """author -> their files (one per phase folder)."""
    per: dict[str, list[Path]] = defaultdict(list)
    for pad in sorted(map_.glob("*/*.yml")):
        per[pad.stem].append(pad)
    return dict(per)


def vouw(auteur: str, per_auteur: dict[str, list[Path]], config: Path, werk: Path) -> Vouw:
    from rasa.model_training import train_nlu

    train = werk / f"train_{auteur}"
    for pad in NLU.rglob("*.yml"):
        if pad not in per_auteur[auteur]:
            doel = train / pad.relative_to(NLU)
            doel.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(pad, doel)
    model = train_nlu(str(config), str(train), str(werk), fixed_model_name=f"cv_{auteur}")
    parse = laad_model_parser(Path(str(model)))
    bestanden = set(per_auteur[auteur])
    voorspellingen = [
        Voorspelling(t, i, *parse(t)) for t, i, pad in nlu_voorbeelden(NLU) if pad in bestanden
    ]
    nauwkeurigheid, scores = fase_scores(voorspellingen)
    return Vouw(
        auteur,
        len(voorspellingen),
        nauwkeurigheid,
        sum(s.f1 for s in scores) / max(len(scores), 1),
        sum(v.intent == v.verwacht for v in voorspellingen) / max(len(voorspellingen), 1),
    )


def kruisvalidatie(config: Path = ROOT / "config.yml") -> list[Vouw]:
    per_auteur = auteurs()
    with tempfile.TemporaryDirectory() as tmp:
        return [vouw(a, per_auteur, config, Path(tmp)) for a in sorted(per_auteur)]


def rapport(vouwen: list[Vouw]) -> str:
    n = sum(v.n for v in vouwen) or 1
    regels = ["Kruisvalidatie, één auteur eruit (fase: nauwkeurigheid, macro-F1; intent):"]
    for v in vouwen:
        regels.append(
            f"  {v.auteur:<10} n={v.n:<4} fase {v.fase_nauwkeurigheid:.3f}"
            f"  macro-F1 {v.macro_f1:.3f}  intent {v.intent_nauwkeurigheid:.3f}"
        )
    regels.append(
        f"  gewogen    n={n:<4} fase {sum(v.fase_nauwkeurigheid * v.n for v in vouwen) / n:.3f}"
        f"  macro-F1 {sum(v.macro_f1 * v.n for v in vouwen) / n:.3f}"
        f"  intent {sum(v.intent_nauwkeurigheid * v.n for v in vouwen) / n:.3f}"
    )
    return "\n".join(regels)
