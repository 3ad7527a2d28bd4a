"""Small measuring helpers for `make bench`: percentiles, medians of runs, peak RSS."""

from __future__ import annotations

import math
import statistics
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

PROC = Path("/proc")
GEHEUGEN_INTERVAL = 0.5  # seconds between two samples of VmHWM


def percentiel(waarden: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty sequence."""
    gesorteerd = sorted(waarden)
    return gesorteerd[max(0, math.ceil(p / 100 * len(gesorteerd)) - 1)]


def latentie_ms(seconden: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99 in milliseconds of one run's latencies."""
    ms = [s * 1000 for s in seconden]
    return {
        "p50": percentiel(ms, 50),
        "p95": percentiel(ms, 95),
        "p99": percentiel(ms, 99),
        "n": len(ms),
    }


def mediaan_van_runs(runs: Sequence[dict[str, float]]) -> dict[str, float]:
    """Per key, the median over runs (the figure we report on a noisy shared machine)."""
    return {sleutel: statistics.median(r[sleutel] for r in runs) for sleutel in runs[0]}


def cpu_tijden() -> list[int]:
    """CPU time so far (/proc/stat): user nice system idle iowait irq softirq steal."""
    return [int(x) for x in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:9]]


def steal(voor: list[int], na: list[int]) -> float:
    """Share of the CPU time between two readings that the hypervisor gave to other machines."""
    verschil = [b - a for a, b in zip(voor, na, strict=True)]
    return verschil[7] / sum(verschil) if sum(verschil) else 0.0


def _kb(pad: Path, veld: str) -> int:
    """A `<veld>: <n> kB` line of a /proc file; 0 when the process is gone."""
    try:
        for regel in pad.read_text().splitlines():
            if regel.startswith(f"{veld}:"):
                return int(regel.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _status_kb(pid: int, veld: str) -> int:
    """A field such as VmHWM (peak RSS) from /proc/<pid>/status."""
    return _kb(PROC / str(pid) / "status", veld)


def _pss_kb(pid: int) -> int:
    """Proportional set size: each resident page divided by the processes sharing it."""
    return _kb(PROC / str(pid) / "smaps_rollup", "Pss")


def _ouders() -> dict[int, int]:
    """pid -> parent pid for every process we can see."""
    ouders: dict[int, int] = {}
    for map_ in PROC.iterdir():
        if not map_.name.isdigit():
            continue
        try:
            # The command may contain spaces and parentheses: split after the last ')'.
            velden = (map_ / "stat").read_text().rsplit(")", 1)[1].split()
            ouders[int(map_.name)] = int(velden[1])
        except (OSError, ValueError, IndexError):
            continue
    return ouders


def boom(pid: int) -> list[int]:
    """The process and all its descendants (`rasa run` may fork workers)."""
    kinderen: dict[int, list[int]] = {}
    for kind, ouder in _ouders().items():
        kinderen.setdefault(ouder, []).append(kind)
    resultaat, te_doen = [], [pid]
    while te_doen:
        huidig = te_doen.pop()
        resultaat.append(huidig)
        te_doen.extend(kinderen.get(huidig, []))
    return resultaat


class PiekGeheugen:
    """Samples the memory of process trees in a background thread.

    Keeps the highest VmHWM seen per pid, so a child that exits before the end
    still counts. `piek_mb(naam)` is the sum over the tree: an upper bound of the
    tree's peak resident memory (equal to it when the server does not fork; with
    forked workers the pages they share with their parent count in each).
    `pss_piek_mb(naam)` is the highest sum of PSS seen in one sample: every page
    counted once, shared pages divided over the processes that share them.
    """

    def __init__(self, wortels: dict[str, int], interval: float = GEHEUGEN_INTERVAL) -> None:
        self.wortels = wortels
        self.interval = interval
        self.per_pid: dict[str, dict[int, int]] = {naam: {} for naam in wortels}
        self.pss_piek: dict[str, int] = dict.fromkeys(wortels, 0)
        self._stop = threading.Event()
        self._draad = threading.Thread(target=self._lus, daemon=True)

    def meet(self) -> None:
        for naam, wortel in self.wortels.items():
            gezien = self.per_pid[naam]
            pss = 0
            for pid in boom(wortel):
                gezien[pid] = max(gezien.get(pid, 0), _status_kb(pid, "VmHWM"))
                pss += _pss_kb(pid)
            self.pss_piek[naam] = max(self.pss_piek[naam], pss)

    def _lus(self) -> None:
        while not self._stop.wait(self.interval):
            self.meet()

    def __enter__(self) -> PiekGeheugen:
        self.meet()
        self._draad.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._draad.join()
        self.meet()

    def piek_mb(self, naam: str) -> float:
        return sum(self.per_pid[naam].values()) / 1024

    def pss_piek_mb(self, naam: str) -> float:
        return self.pss_piek[naam] / 1024

    def processen(self, naam: str) -> int:
        return sum(1 for kb in self.per_pid[naam].values() if kb)


def machine() -> dict[str, object]:
    """nproc, memory and CPU model of this machine, and its load when the bench starts."""
    import os

    cpu = next(
        (
            regel.split(":", 1)[1].strip()
            for regel in (PROC / "cpuinfo").read_text().splitlines()
            if regel.startswith("model name")
        ),
        "onbekend",
    )
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "geheugen_gb": round(_meminfo_kb("MemTotal") / 1024**2, 1),
        "cpu": cpu,
        "load_bij_start": list(os.getloadavg()),
    }


def _meminfo_kb(veld: str) -> int:
    for regel in (PROC / "meminfo").read_text().splitlines():
        if regel.startswith(f"{veld}:"):
            return int(regel.split()[1])
    return 0


def gemiddelde(waarden: Iterable[float]) -> float:
    lijst = list(waarden)
    return sum(lijst) / len(lijst) if lijst else 0.0
