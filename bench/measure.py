"""Measuring: percentiles, medians of runs, CPU steal and peak memory from /proc."""

from __future__ import annotations

import math
import os
import statistics
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PROC = Path("/proc")
GEHEUGEN_INTERVAL = 0.5  # seconds between two samples of VmHWM


def getal(data: Any, pad: str) -> float | None:
    """The number at the dotted `pad` in nested dicts, or None when it is missing."""
    for sleutel in pad.split("."):
        if not isinstance(data, dict) or sleutel not in data:
            return None
        data = data[sleutel]
    return float(data) if isinstance(data, int | float) else None


def percentiel(waarden: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty sequence."""
    gesorteerd = sorted(waarden)
    return gesorteerd[max(0, math.ceil(p / 100 * len(gesorteerd)) - 1)]


def latentie_ms(seconden: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconden]
    return {f"p{p}": percentiel(ms, p) for p in (50, 95, 99)} | {"n": len(ms)}


def mediaan_van_runs(runs: Sequence[dict[str, float]]) -> dict[str, Any]:
    """Per key the median over the runs (the figure we report on a noisy shared machine), but
    every lost message of all runs; and the runs themselves."""
    uit: dict[str, Any] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    if "verloren" in uit:
        uit["verloren"] = sum(r["verloren"] for r in runs)
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
        for regel in pad.read_text().splitlines():
            if regel.startswith(f"{veld}:"):
                return int(regel.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def boom(pid: int) -> list[int]:
    """The process and all its descendants (`rasa run` may fork workers)."""
    kinderen: dict[int, list[int]] = {}
    for map_ in PROC.iterdir():
        if not map_.name.isdigit():
            continue
        try:  # the command may contain spaces and parentheses: split after the last ')'
            ouder = int((map_ / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):  # gone meanwhile
            continue
        kinderen.setdefault(ouder, []).append(int(map_.name))
    resultaat, te_doen = [], [pid]
    while te_doen:
        resultaat.append(huidig := te_doen.pop())
        te_doen.extend(kinderen.get(huidig, []))
    return resultaat


class PiekGeheugen:
    """Samples the memory of process trees in a background thread (docs/bench-methode.md)."""

    def __init__(self, wortels: dict[str, int]) -> None:
        self.wortels = wortels
        self.per_pid: dict[str, dict[int, int]] = {naam: {} for naam in wortels}  # peak VmHWM
        self.pss_piek: dict[str, int] = dict.fromkeys(wortels, 0)
        self._stop = threading.Event()
        self._draad = threading.Thread(target=self._lus, daemon=True)

    def meet(self) -> None:
        for naam, wortel in self.wortels.items():
            gezien, pss = self.per_pid[naam], 0
            for pid in boom(wortel):
                gezien[pid] = max(gezien.get(pid, 0), kb(PROC / str(pid) / "status", "VmHWM"))
                pss += kb(PROC / str(pid) / "smaps_rollup", "Pss")
            self.pss_piek[naam] = max(self.pss_piek[naam], pss)

    def _lus(self) -> None:
        while not self._stop.wait(GEHEUGEN_INTERVAL):
            self.meet()

    def __enter__(self) -> PiekGeheugen:
        self.meet()
        self._draad.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._draad.join()
        self.meet()

    def uitslag(self, naam: str) -> tuple[float, float, int]:
        """(peak RSS in MiB summed per process, peak PSS in MiB, processes seen)."""
        per_pid = self.per_pid[naam]
        return (
            sum(per_pid.values()) / 1024,
            self.pss_piek[naam] / 1024,
            sum(map(bool, per_pid.values())),
        )


def machine() -> dict[str, object]:
    """nproc, memory and CPU model of this machine, and its load when the bench starts."""
    regels = (PROC / "cpuinfo").read_text().splitlines()
    cpu = next((r.split(":", 1)[1].strip() for r in regels if r.startswith("model name")), "")
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "geheugen_gb": round(kb(PROC / "meminfo", "MemTotal") / 1024**2, 1),
        "cpu": cpu or "onbekend",
        "load_bij_start": list(os.getloadavg()),
    }
