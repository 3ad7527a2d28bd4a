"""Watching the servers after start-up: a server that dies is started again.

Without this, a Rasa server that died (out of memory, a crash) left every seller
with "niet bereikbaar" until someone restarted the stack by hand. The watcher
checks every second; a dead server is restarted after a growing pause
(PAUZES), with a line for each step. After MAX_FOUTEN deaths within VENSTER
seconds it gives up and calls `bij_opgeven`: `python -m stack` then stops with
a non-zero exit code, so that a service manager (systemd: Restart=on-failure,
docs/serving.md) starts it afresh.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from stack.launcher import Server

PAUZES = (1.0, 2.0, 4.0, 8.0, 16.0)  # seconds before the 1st, 2nd, ... restart in the window
MAX_FOUTEN = 5
VENSTER = 600.0  # seconds
INTERVAL = 1.0


class Bewaking:
    """Watches `servers` (the list itself: a restarted server replaces the dead one in it)."""

    def __init__(
        self,
        servers: list[Server],
        melding: Callable[[str], None],
        bij_opgeven: Callable[[], None],
        *,
        pauzes: tuple[float, ...] = PAUZES,
        max_fouten: int = MAX_FOUTEN,
        venster: float = VENSTER,
        interval: float = INTERVAL,
    ) -> None:
        self.servers = servers
        self._melding = melding
        self._bij_opgeven = bij_opgeven
        self._pauzes = pauzes
        self._max_fouten = max_fouten
        self._venster = venster
        self._interval = interval
        self._fouten: list[float] = []  # monotonic times of the deaths in the window
        self._herstarten: set[str] = set()  # restarted, not yet healthy again
        self._stop = threading.Event()
        self._draad = threading.Thread(target=self._bewaak, name="bewaking", daemon=True)
        self.opgegeven = False
        self.herstarts = 0

    def start(self) -> Bewaking:
        self._draad.start()
        return self

    def stop(self) -> None:
        """Stop watching (before the servers are stopped, or they would be restarted)."""
        self._stop.set()
        if self._draad.is_alive() and self._draad is not threading.current_thread():
            self._draad.join()

    def _bewaak(self) -> None:
        with httpx.Client(timeout=2.0) as client:
            while not self._stop.wait(self._interval):
                for i, server in enumerate(list(self.servers)):
                    if self._stop.is_set():
                        return
                    if not server.leeft():
                        self._herstel(i, server)
                    elif server.naam in self._herstarten and server.klaar(client):
                        self._herstarten.discard(server.naam)
                        self._melding(f"de {server.naam} is weer gezond")

    def _herstel(self, i: int, server: Server) -> None:
        from stack.launcher import StackFout, laatste_regel, stop_server

        nu = time.monotonic()
        self._fouten = [t for t in self._fouten if nu - t < self._venster] + [nu]
        stop_server(server)  # reap it, and whatever of its process group is left
        code = server.proces.returncode
        # Killed by a signal (the OOM killer, kill -9), the log's last error is beside the point.
        oorzaak = (
            f"gedood door {signal.Signals(-code).name}"
            if code < 0
            else f"exitcode {code}: {laatste_regel(server.log)}"
        )
        if len(self._fouten) >= self._max_fouten:
            self.opgegeven = True
            self._melding(
                f"de {server.naam} is {len(self._fouten)} keer gestopt binnen "
                f"{self._venster / 60:.0f} minuten ({oorzaak}); de coach stopt "
                f"(log: {server.log})"
            )
            self._stop.set()
            self._bij_opgeven()
            return
        pauze = self._pauzes[min(len(self._fouten), len(self._pauzes)) - 1]
        self._melding(
            f"de {server.naam} is gestopt ({oorzaak}); herstart over {pauze:.0f} s "
            f"(poging {len(self._fouten)} van {self._max_fouten - 1})"
        )
        if self._stop.wait(pauze):
            return
        try:
            self.servers[i] = server.herstart()
        except StackFout as exc:  # e.g. the port is taken now; counts as the next death
            self._melding(f"de {server.naam} start niet opnieuw: {exc}")
            return
        self.herstarts += 1
        self._herstarten.add(server.naam)
