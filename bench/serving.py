"""One model, one serving set-up, the load levels only: the quick runs of docs/serving.md.

    .venv/bin/python -m bench serving --workers 2 --runs 4

Same servers, traffic and memory sampling as `make bench` (bench.serve), but
without training, without Rasa's default pipeline and without the accuracy part,
so a change to serving can be compared in about a minute. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from bench.__main__ import WERKMAP, WORKERS
from bench.serve import Verkeer, meet_modellen
from tools.domein import ROOT, nlu_voorbeelden
from tools.nlu_eval import HELD_OUT


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench serving", description=__doc__)
    p.add_argument("--model", type=Path, default=ROOT / "models" / "coach.tar.gz")
    p.add_argument("--workers", type=int, default=WORKERS, help="standaard %(default)s")
    p.add_argument("--runs", type=int, default=4, help="standaard %(default)s")
    p.add_argument("--verkopers", type=int, default=50, help="standaard %(default)s")
    args = p.parse_args(argv)

    rijen = nlu_voorbeelden(HELD_OUT)
    verkeer = Verkeer.uit(
        rijen,
        runs=args.runs,
        rondreis_berichten=30,
        niveaus=(args.verkopers,),
        verkopen_per_verkoper=2,
    )
    load = os.getloadavg()[0]
    werkmap = WERKMAP / "serving"
    werkmap.mkdir(parents=True, exist_ok=True)
    uitslag = meet_modellen({"project": args.model}, werkmap, verkeer, args.workers)["project"]
    belasting = uitslag["belasting"][str(args.verkopers)]
    print(
        json.dumps(
            {
                "workers": args.workers,
                "verkopers": args.verkopers,
                "p50_ms": round(belasting["p50"]),  # medians over the runs
                "p95_ms": round(belasting["p95"]),
                "doorvoer_per_s": round(belasting["doorvoer"], 1),
                "doorvoer_per_run": [round(r["doorvoer"], 1) for r in belasting["runs"]],
                "verloren": belasting["verloren"],
                "steal_per_run": [round(r["steal"], 3) for r in belasting["runs"]],
                "rondreis_1_verkoper_p95_ms": round(uitslag["rondreis_ms"]["p95"]),
                "piek_rss_som_mib": round(uitslag["geheugen_mb"]["rasa"]),
                "piek_pss_mib": round(uitslag["pss_mb"]["rasa"]),
                "processen": uitslag["processen"]["rasa"],
                "load": [round(load, 2), round(os.getloadavg()[0], 2)],
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
