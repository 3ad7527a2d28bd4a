"""`make evaluate`: how well the model understands sellers, for trainers.

Runs `rasa test nlu` on the held-out messages (tests/nlu/), then adds what
trainers act on: a phase-level report and confusion matrix, the list of
misclassified messages, data-quality warnings, and how well practice mode's
judge agrees with the labelled seller answers (reports/oefenen.txt). For every
blind set (tests/nlu/blind/) it prints the phase accuracy, macro-F1, wrong-phase
advice and the confusion between phases. `--cv` adds cross-validation by author (slower).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from actions.oefenboek import laad_oefenboek
from tools.blind import berichten, blinde_sets, scoor
from tools.blind import rapport as blind_rapport
from tools.blind import voorspel as voorspel_blind
from tools.datacontrole import nlu_blokken
from tools.datakwaliteit import waarschuwingen
from tools.domein import ROOT, fase_per_intent
from tools.kruisvalidatie import kruisvalidatie
from tools.kruisvalidatie import rapport as cv_rapport
from tools.nlu_eval import (
    GEEN_FASE,
    HELD_OUT,
    Voorspelling,
    fase_scores,
    fase_van,
    laad_model_parser,
)
from tools.oefen_eval import meet, ontwikkelsets, rapport

RAPPORTEN = ROOT / "reports"


def rasa_test_nlu(model: Path, uit: Path) -> list[Voorspelling]:
    """Rasa's own NLU test; returns every held-out prediction (successes and errors)."""
    subprocess.run(
        [
            sys.executable,  # Rasa's command line without library noise (tools/stil.py)
            "-m",
            "tools.stil",
            "test",
            "nlu",
            "--nlu",
            str(HELD_OUT),
            "--model",
            str(model),
            "--out",
            str(uit),
            "--successes",
            "--quiet",
        ],
        check=True,
        cwd=ROOT,
    )
    rijen = []
    for naam in ("intent_successes.json", "intent_errors.json"):
        pad = uit / naam
        for r in json.loads(pad.read_text()) if pad.exists() else []:
            voorspeld = r.get("intent_prediction") or {}
            rijen.append(
                Voorspelling(
                    r["text"],
                    r["intent"],
                    voorspeld.get("name") or "nlu_fallback",
                    float(voorspeld.get("confidence") or 0.0),
                )
            )
    return rijen


def teken_fase_confusion(voorspellingen: list[Voorspelling], pad: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fasen = fase_per_intent()
    labels = [*dict.fromkeys(fasen.values()), GEEN_FASE]
    matrix = [[0] * len(labels) for _ in labels]
    for v in voorspellingen:
        matrix[labels.index(fase_van(v.verwacht, fasen))][
            labels.index(fase_van(v.intent, fasen))
        ] += 1
    fig, ax = plt.subplots(figsize=(8, 7))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("voorspelde fase")
    ax.set_ylabel("echte fase")
    for i, rij in enumerate(matrix):
        for j, n in enumerate(rij):
            if n:
                ax.text(j, i, n, ha="center", va="center", color="white" if n > 5 else "black")
    ax.set_title("Fase-verwarring op held-out testzinnen")
    fig.tight_layout()
    fig.savefig(pad, dpi=110)


def situatie_tabel(voorspellingen: list[Voorspelling], data: Path = ROOT / "data") -> str:
    """Per situation, in Dutch: training examples, precision, recall, most confused with."""
    blokken, _, _ = nlu_blokken(data)
    voorbeelden: Counter[str] = Counter()
    for blok in blokken:
        voorbeelden[blok.naam] += blok.voorbeelden
    regels = [
        "# Situaties (held-out testzinnen)",
        "",
        "| situatie | voorbeelden | testzinnen | precisie | recall | meest verward met |",
        "|---|---|---|---|---|---|",
    ]
    for intent in sorted({v.verwacht for v in voorspellingen} | set(voorbeelden)):
        echt = [v for v in voorspellingen if v.verwacht == intent]
        voorspeld = [v for v in voorspellingen if v.intent == intent]
        goed = sum(v.intent == intent for v in echt)
        verward = Counter(v.intent for v in echt if v.intent != intent)
        verward.update(v.verwacht for v in voorspeld if v.verwacht != intent)
        precisie = f"{goed / len(voorspeld):.2f}" if voorspeld else "-"
        recall = f"{goed / len(echt):.2f}" if echt else "-"
        vaakst = ", ".join(f"{i} ({n}x)" for i, n in verward.most_common(2)) or "-"
        regels.append(
            f"| {intent} | {voorbeelden[intent]} | {len(echt)} | {precisie} | {recall} | {vaakst} |"
        )
    return "\n".join(regels) + "\n"


def schrijf_rapporten(voorspellingen: list[Voorspelling], uit: Path) -> float:
    fasen = fase_per_intent()
    nauwkeurigheid, scores = fase_scores(voorspellingen, fasen)
    regels = [
        "# Fase-rapport (held-out)",
        "",
        f"Fase-nauwkeurigheid: **{nauwkeurigheid:.3f}** op {len(voorspellingen)} testzinnen.",
        "",
        "| fase | precisie | recall | F1 | n |",
        "|---|---|---|---|---|",
        *(
            f"| {s.fase} | {s.precisie:.2f} | {s.recall:.2f} | {s.f1:.2f} | {s.aantal} |"
            for s in scores
        ),
    ]
    fout = [v for v in voorspellingen if v.intent != v.verwacht]
    fout.sort(key=lambda v: (fase_van(v.verwacht, fasen), v.verwacht))

    def fase_goed(v: Voorspelling) -> str:
        return "ja" if fase_van(v.verwacht, fasen) == fase_van(v.intent, fasen) else "NEE"

    # fout_herkend.md lists wrong *situations*; only its NEE rows cost phase accuracy.
    uitleg = (
        f"{len(fout)} testzinnen kregen de verkeerde situatie (intent); daarvan "
        f"{sum(fase_goed(v) == 'NEE' for v in fout)} ook de verkeerde fase. Alleen die "
        "('fase goed? NEE' in fout_herkend.md) tellen mee in de fase-nauwkeurigheid; "
        "berichten zonder fase (groet, buiten het domein) tellen daar niet in mee."
    )
    regels += ["", uitleg]
    (uit / "fasen.md").write_text("\n".join(regels) + "\n", encoding="utf-8")
    (uit / "situaties.md").write_text(situatie_tabel(voorspellingen), encoding="utf-8")
    regels = [
        "# Fout herkende testzinnen",
        "",
        uitleg,
        "",
        "| zin | verwachte intent | verwachte fase | voorspeld | zekerheid | fase goed? |",
        "|---|---|---|---|---|---|",
        *(
            f"| {v.tekst} | {v.verwacht} | {fase_van(v.verwacht, fasen)} | {v.intent} | "
            f"{v.zekerheid:.2f} | {fase_goed(v)} |"
            for v in fout
        ),
    ]
    (uit / "fout_herkend.md").write_text("\n".join(regels) + "\n", encoding="utf-8")
    teken_fase_confusion(voorspellingen, uit / "fase_confusion.png")
    print(f"\nFase-nauwkeurigheid: {nauwkeurigheid:.3f} ({len(voorspellingen)} testzinnen)")
    for s in scores:
        print(f"  {s.fase:<14} P={s.precisie:.2f} R={s.recall:.2f} F1={s.f1:.2f} n={s.aantal}")
    print(f"Fout herkend: {len(fout)} zinnen -> {uit / 'fout_herkend.md'}")
    return nauwkeurigheid


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "coach.tar.gz")
    parser.add_argument("--cv", action="store_true", help="ook kruisvalidatie per auteur")
    args = parser.parse_args()
    RAPPORTEN.mkdir(exist_ok=True)

    problemen = waarschuwingen()
    lijst = "".join(f"- {p}\n" for p in problemen) or "Geen problemen gevonden.\n"
    (RAPPORTEN / "datakwaliteit.md").write_text("# Datakwaliteit\n\n" + lijst, encoding="utf-8")
    for p in problemen:
        print(f"WAARSCHUWING {p}")

    schrijf_rapporten(rasa_test_nlu(args.model, RAPPORTEN), RAPPORTEN)
    parse = laad_model_parser(args.model)
    lerend = laad_oefenboek().lerend  # the judge the coach uses, each set judged held out
    oefenen = "\n\n".join(rapport(meet(pad, lerend=lerend)) for pad in ontwikkelsets())
    (RAPPORTEN / "oefenen.txt").write_text(oefenen + "\n", encoding="utf-8")
    print(f"Oefenmodus, beoordeling tegen de gelabelde antwoorden:\n{oefenen}")
    for naam in blinde_sets():
        score = scoor(voorspel_blind(parse, berichten(naam)))
        tekst = blind_rapport(naam, score)
        (RAPPORTEN / f"blind_{naam}.txt").write_text(tekst + "\n", encoding="utf-8")
        print(tekst)
    if args.cv:
        tekst = cv_rapport(kruisvalidatie())
        (RAPPORTEN / "kruisvalidatie.txt").write_text(tekst + "\n", encoding="utf-8")
        print(tekst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
