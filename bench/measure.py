"""Measuring: percentiles, medians of runs, CPU steal and memory from /proc."""

from __future__ import annotations

import math
import os
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PROC = Path("/proc")


def getal(data: Any, pad: str) -> float | None:
    """The number at the dotted `pad` in nested dicts, or None when it is missing."""
    for sleutel in pad.split("."):
        data = data.get(sleutel) if isinstance(data, dict) else None
    return float(data) if isinstance(data, int | float) else None


def percentiel(waarden: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty sequence."""
    return sorted(waarden)[max(0, math.ceil(p / 100 * len(waarden)) - 1)]


def latentie_ms(beurten: Sequence[tuple[bool, float]]) -> dict[str, float]:
    """p50/p95/p99 in ms of (answered, seconds) turns, their number and the unanswered ones."""
    ms = [s * 1000 for _, s in beurten]
    percentielen = {f"p{p}": percentiel(ms, p) for p in (50, 95, 99)}
    return percentielen | {"n": len(ms), "verloren": sum(not b for b, _ in beurten)}


def mediaan_van_runs(runs: Sequence[dict[str, float]]) -> dict[str, Any]:
    """Per key the median over the runs, but every lost message of all runs; and the runs."""
    uit = {k: (sum if k == "verloren" else statistics.median)(r[k] for r in runs) for k in runs[0]}
    return uit | {"runs": list(runs)}


def cpu_tijden() -> list[int]:
    """CPU time so far (/proc/stat): user nice system idle iowait irq softirq steal."""
    return [int(x) for x in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:9]]


def steal(voor: list[int], na: list[int]) -> float:
    """Share of the CPU time between two readings that the hypervisor gave to other machines."""
    verschil = [b - a for a, b in zip(voor, na, strict=True)]
    return verschil[7] / sum(verschil) if sum(verschil) else 0.0


def kb(pad: Path, veld: str) -> int:
    """A `<veld>: <n> kB` line of a /proc file; 0 when the process is gone."""
    try:
        regels = pad.read_text().splitlines()
        return next((int(r.split()[1]) for r in regels if r.startswith(f"{veld}:")), 0)
    except (OSError, ValueError, IndexError):
        return 0


def boom(pid: int) -> list[int]:
    """The process and all its descendants (`rasa run` may fork workers); [] when it is gone."""
    try:
        taken = list((PROC / str(pid) / "task").iterdir())
        kinderen = [int(k) for taak in taken for k in (taak / "children").read_text().split()]
    except (OSError, ValueError):
        return []
    return [pid, *(nazaat for kind in kinderen for nazaat in boom(kind))]


def geheugen(wortels: dict[Any, int]) -> dict[Any, dict[str, float]]:
    """Per name, over the process tree: the peak RSS in MiB summed per process (VmHWM, kept by the
    kernel), the PSS in MiB now (each shared page once) and the number of processes."""
    uit = {}
    for naam, wortel in wortels.items():
        pids = boom(wortel)
        uit[naam] = {
            "geheugen_mb": sum(kb(PROC / f"{pid}/status", "VmHWM") for pid in pids) / 1024,
            "pss_mb": sum(kb(PROC / f"{pid}/smaps_rollup", "Pss") for pid in pids) / 1024,
            "processen": len(pids),
        }
    return uit


def machine() -> str:
    """nproc, memory and CPU model of this machine, for the report's header."""
    regels = (PROC / "cpuinfo").read_text().splitlines()
    cpu = next((r.split(":", 1)[1].strip() for r in regels if r.startswith("model name")), "?")
    gb = kb(PROC / "meminfo", "MemTotal") / 1024**2
    return f"{len(os.sched_getaffinity(0))} cores (nproc), {gb:.1f} GB geheugen, {cpu}"


def load() -> str:
    """The load averages over 1, 5 and 15 minutes, as the report shows them."""
    return ", ".join(f"{w:.2f}" for w in os.getloadavg())
