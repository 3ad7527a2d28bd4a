"""`python -m bench oefenen [--runs N]`: what the learned judge costs, in this process. Reading
the labelled answers and training happen once, when the action server starts; the rule judge
over the same answers is the baseline measured in the same run (docs/oefenen-meting.md)."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from typing import Any

from actions.beoordeling import beoordeel
from actions.oefen_gelabeld import lees_gelabeld, ontwikkelsets
from actions.oefen_model import beoordeel_lerend, train
from actions.oefenboek import Oefenboek, laad_oefenboek
from bench.measure import mediaan_van_runs
from bench.report import tabel

LIMIET_CPU_S = 2.0  # reading + training delay the action server's start, not a seller


def klok(werk: Callable[[], Any]) -> tuple[Any, float, float]:
    """The work's result, its CPU seconds (all threads of this process) and wall seconds."""
    cpu, wand = time.process_time(), time.perf_counter()
    uit = werk()
    return uit, time.process_time() - cpu, time.perf_counter() - wand


def een_run(boek: Oefenboek) -> dict[str, float]:
    gelabeld, *lezen = klok(lambda: [g for p in ontwikkelsets() for g in lees_gelabeld(p)])
    model, *trainen = klok(lambda: train(boek, gelabeld, met_regels=False))
    *_, regels = klok(lambda: [beoordeel(boek, g.fase, g.tekst) for g in gelabeld])
    *_, lerend = klok(
        lambda: [beoordeel_lerend(boek, g.fase, g.tekst, model=model) for g in gelabeld]
    )
    return {
        "antwoorden": len(gelabeld),
        "lezen_cpu_s": lezen[0],
        "lezen_s": lezen[1],
        "trainen_cpu_s": trainen[0],
        "trainen_s": trainen[1],
        "regels_ms": 1000 * regels / len(gelabeld),
        "lerend_ms": 1000 * lerend / len(gelabeld),
    }


def rapport(runs: Sequence[dict[str, float]]) -> list[str]:
    m = mediaan_van_runs(runs)
    start_cpu = m["lezen_cpu_s"] + m["trainen_cpu_s"]
    doel = "gehaald" if start_cpu <= LIMIET_CPU_S else "GEMIST"
    rijen = [
        (f"lezen ({m['antwoorden']:.0f} gelabelde antwoorden)", m["lezen_cpu_s"], m["lezen_s"]),
        ("trainen", m["trainen_cpu_s"], m["trainen_s"]),
        (
            f"samen (doel ≤ {LIMIET_CPU_S:.0f} s CPU: {doel})",
            start_cpu,
            m["lezen_s"] + m["trainen_s"],
        ),
    ]
    per_antwoord = [
        ("regels (de baseline)", m["regels_ms"]),
        ("regels + geleerd oordeel", m["lerend_ms"]),
    ]
    return [
        f"Mediaan van {len(runs)} runs, in dit proces.",
        "",
        *tabel(
            ["bij de start van de actieserver", "CPU s", "wand s"],
            [(w, f"{c:.2f}", f"{s:.2f}") for w, c, s in rijen],
        ),
        "",
        *tabel(["beoordeling", "ms per antwoord"], [(w, f"{v:.2f}") for w, v in per_antwoord]),
    ]


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench oefenen", description=__doc__)
    p.add_argument("--runs", type=int, default=3, help="herhalingen (%(default)s)")
    args = p.parse_args(argv)
    boek = laad_oefenboek()
    print("\n".join(rapport([een_run(boek) for _ in range(max(1, args.runs))])))
    return 0
