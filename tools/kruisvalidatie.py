"""Cross-validation that keeps authors apart: group k-fold by author (`make evaluate CV=1`).

Every file `data/nlu/<fase>/<auteur>.yml` belongs to the author named by its stem
(`basis` is the data from before the author split). The authors are dealt over
the folds; each fold trains on the other folds' authors and tests on its own, so
a fold never sees the test authors' phrasing. The
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


VOUWEN = 5


@dataclass(frozen=True)
class Vouw:
    auteurs: tuple[str, ...]
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


def vouw(
    nummer: int,
    auteurs: tuple[str, ...],
    per_auteur: dict[str, list[Path]],
    config: Path,
    werk: Path,
) -> Vouw:
    from rasa.model_training import train_nlu

    bestanden = {pad for a in auteurs for pad in per_auteur[a]}
    train = werk / f"train_{nummer}"
    for pad in NLU.rglob("*.yml"):
        if pad not in bestanden:
            doel = train / pad.relative_to(NLU)
            doel.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(pad, doel)
    model = train_nlu(str(config), str(train), str(werk), fixed_model_name=f"cv_{nummer}")
    parse = laad_model_parser(Path(str(model)))
    voorspellingen = [
        Voorspelling(t, i, *parse(t)) for t, i, pad in nlu_voorbeelden(NLU) if pad in bestanden
    ]
    nauwkeurigheid, scores = fase_scores(voorspellingen)
    return Vouw(
        auteurs,
        len(voorspellingen),
        nauwkeurigheid,
        sum(s.f1 for s in scores) / max(len(scores), 1),
        sum(v.intent == v.verwacht for v in voorspellingen) / max(len(voorspellingen), 1),
    )


def kruisvalidatie(config: Path = ROOT / "config.yml", vouwen: int = VOUWEN) -> list[Vouw]:
    per_auteur = auteurs()
    namen = sorted(per_auteur)
    groepen = [tuple(namen[i::vouwen]) for i in range(min(vouwen, len(namen)))]
    with tempfile.TemporaryDirectory() as tmp:
        return [vouw(i, g, per_auteur, config, Path(tmp)) for i, g in enumerate(groepen)]


def rapport(vouwen: list[Vouw]) -> str:
    n = sum(v.n for v in vouwen) or 1
    regels = ["Kruisvalidatie per auteursgroep (fase: nauwkeurigheid, macro-F1; intent):"]
    for v in vouwen:
        regels.append(
            f"  {', '.join(v.auteurs):<34} n={v.n:<5} fase {v.fase_nauwkeurigheid:.3f}"
            f"  macro-F1 {v.macro_f1:.3f}  intent {v.intent_nauwkeurigheid:.3f}"
        )
    regels.append(
        f"  {'gewogen':<34} n={n:<5}"
        f" fase {sum(v.fase_nauwkeurigheid * v.n for v in vouwen) / n:.3f}"
        f"  macro-F1 {sum(v.macro_f1 * v.n for v in vouwen) / n:.3f}"
        f"  intent {sum(v.intent_nauwkeurigheid * v.n for v in vouwen) / n:.3f}"
    )
    return "\n".join(regels)
