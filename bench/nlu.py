"""`python -m bench nlu [--model M]`: where the NLU's time goes, per component of the model, in
this process: each held-out text parsed once after a warm-up (docs/serving.md)."""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.report import tabel
from stack.launcher import MODEL
from tools.domein import nlu_voorbeelden
from tools.nlu_eval import HELD_OUT, laad_model


@contextmanager
def per_node() -> Iterator[Counter[str]]:
    """Seconds per node of Rasa's graph while the block runs (GraphNode.__call__ timed)."""
    from rasa.engine.graph import GraphNode

    tijden: Counter[str] = Counter()
    origineel = GraphNode.__call__

    def getimed(self: GraphNode, *args: object, **kwargs: object) -> object:
        begin = time.perf_counter()
        try:
            return origineel(self, *args, **kwargs)
        finally:
            tijden[self._node_name] += time.perf_counter() - begin

    GraphNode.__call__ = getimed  # type: ignore[method-assign]
    try:
        yield tijden
    finally:
        GraphNode.__call__ = origineel  # type: ignore[method-assign]


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench nlu", description=__doc__)
    p.add_argument("--model", type=Path, default=MODEL)
    args = p.parse_args(argv)
    parse, teksten = laad_model(args.model), [t for t, _, _ in nlu_voorbeelden(HELD_OUT)]
    for tekst in teksten[:20]:  # the first predictions are slow
        parse(tekst)
    with per_node() as tijden:
        begin = time.perf_counter()
        for tekst in teksten:
            parse(tekst)
        totaal = time.perf_counter() - begin
    ms = {naam: 1000 * s / len(teksten) for naam, s in tijden.most_common()}
    rijen = [(naam, f"{m:.2f}") for naam, m in ms.items() if m >= 0.01]
    rijen.append((f"hele parse ({len(teksten)} teksten)", f"{1000 * totaal / len(teksten):.2f}"))
    print("\n".join(tabel(["component", "ms per bericht"], rijen)))
    return 0
