"""Retraining from the browser: `rasa train` in the background, then the model goes live.

The new model is trained into a temporary folder, then replaces
models/coach.tar.gz (so the next `make run` starts with it) and is loaded into
the running Rasa server with `PUT /model` on its HTTP API: the bot keeps
running. The API token comes from RASA_TOKEN, as for the bot (docs/security.md),
and travels as a query parameter encoded by httpx (a token with & # + survives).
With SANIC_WORKERS=2, PUT /model reaches one of the two processes: restart the
stack after training there (docs/serving.md).
"""

from __future__ import annotations

import collections
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import httpx

from stack.paths import ROOT
from tools.domein import DOMAIN
from trainer import proces
from trainer.labelen import CONFIG, DATA

Toestand = Literal["rust", "bezig", "laden", "klaar", "mislukt"]
MODEL = ROOT / "models" / "coach.tar.gz"
RASA_URL = "http://127.0.0.1:5005"
REGELS = 20  # log lines kept for the progress view
LAAD_TIMEOUT = 300.0  # seconds; loading a model takes Rasa 10-60 s on two cores


@dataclass
class Voortgang:
    toestand: Toestand
    regels: list[str] = field(default_factory=list)
    melding: str = ""
    seconden: float = 0.0


def laad_model(pad: Path, rasa_url: str = RASA_URL, token: str | None = None) -> None:
    """Load a model file into the running Rasa server (PUT /model); raises httpx errors."""
    token = token if token is not None else os.environ.get("RASA_TOKEN", "")
    antwoord = httpx.put(
        f"{rasa_url}/model",
        params={"token": token},
        json={"model_file": str(pad.resolve())},
        timeout=LAAD_TIMEOUT,
    )
    antwoord.raise_for_status()


class Training:
    """One training at a time; `voortgang()` is safe to call from any thread."""

    def __init__(
        self,
        *,
        model: Path = MODEL,
        rasa_url: str = RASA_URL,
        token: str | None = None,
        data: Path = DATA,
        domain: Path = DOMAIN,
        config: Path = CONFIG,
    ) -> None:
        self.model, self.rasa_url, self.token = model, rasa_url, token
        self.bronnen = ["--data", str(data), "--domain", str(domain), "--config", str(config)]
        self._slot = threading.Lock()
        self._regels: collections.deque[str] = collections.deque(maxlen=REGELS)
        self._toestand: Toestand = "rust"
        self._melding = ""
        self._begin = 0.0
        self._eind: float | None = None
        self._draad: threading.Thread | None = None

    def start(self) -> bool:
        """Start training in the background; False when one is already running."""
        with self._slot:
            if self._toestand in ("bezig", "laden"):
                return False
            self._toestand, self._melding, self._begin, self._eind = "bezig", "", time.time(), None
            self._regels.clear()
        self._draad = threading.Thread(target=self._draai, name="training", daemon=True)
        self._draad.start()
        return True

    def wacht(self, timeout: float | None = None) -> Voortgang:
        if self._draad is not None:
            self._draad.join(timeout)
        return self.voortgang()

    def voortgang(self) -> Voortgang:
        with self._slot:
            eind = self._eind if self._eind is not None else time.time()
            duur = round(eind - self._begin, 1) if self._begin else 0.0
            return Voortgang(self._toestand, list(self._regels), self._melding, duur)

    def _zet(self, toestand: Toestand, melding: str = "") -> None:
        with self._slot:
            self._toestand, self._melding = toestand, melding
            if toestand in ("klaar", "mislukt"):
                self._eind = time.time()

    def _regel(self, tekst: str) -> None:
        with self._slot:
            self._regels.append(tekst[:300])

    def _train(self, uit: Path) -> int:
        opdracht = [*proces.RASA_STIL, "train", *self.bronnen, "--out", str(uit)]
        opdracht += ["--fixed-model-name", "nieuw"]
        return proces.draai(opdracht, self._regel)

    def _draai(self) -> None:
        try:
            with tempfile.TemporaryDirectory(prefix="training-") as tijdelijk:
                code = self._train(Path(tijdelijk))
                nieuw = Path(tijdelijk) / "nieuw.tar.gz"
                if code != 0 or not nieuw.is_file():
                    self._zet(
                        "mislukt", f"rasa train stopte met code {code}; zie de regels hieronder"
                    )
                    return
                self.model.parent.mkdir(parents=True, exist_ok=True)
                kopie = self.model.with_name(f".{self.model.name}.nieuw")
                shutil.copyfile(nieuw, kopie)
                os.replace(kopie, self.model)  # atomic: Rasa never sees half a model
            self._zet("laden", "het nieuwe model wordt in de draaiende coach geladen")
            try:
                laad_model(self.model, self.rasa_url, self.token)
            except httpx.HTTPError as exc:
                self._zet(
                    "mislukt",
                    f"getraind en bewaard in {self.model}, maar niet geladen ({exc}); "
                    "de coach laadt het bij de volgende start",
                )
                return
            self._zet("klaar", "het nieuwe model is geladen; de bot liep gewoon door")
        except Exception as exc:  # a thread that dies silently would leave 'bezig' forever
            self._zet("mislukt", f"training afgebroken: {exc}")
