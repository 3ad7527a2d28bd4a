"""One way to run a command of the project for the web app: quiet, line by line, from ROOT.

Training (`rasa train`) and the full `make validate` of a new situation both run
here. Every output line goes to a callback as it comes (a progress bar redraws
with \\r, so that splits lines too); the noise a trainer cannot act on
(TensorFlow, deprecation warnings, ANSI colours) never reaches it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable

from stack.paths import ROOT

STIL = {"TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false"}
# The `rasa` command line without TensorFlow, jax or sklearn noise (tools/stil.py; the Makefile
# runs `rasa data validate` so too): e.g. no ConvergenceWarning in the training progress.
RASA_STIL = [sys.executable, "-m", "tools.stil"]
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_RUIS = ("Warning", "warnings.warn", "DeprecationWarning", "import ", "from ")


def schoon(regel: str) -> str:
    """The line without colours; "" when it is noise a trainer cannot act on."""
    regel = _ANSI.sub("", regel).strip()
    if not regel or regel.startswith(_RUIS) or "Deprecat" in regel:
        return ""
    return regel


def draai(opdracht: list[str], regel: Callable[[str], None]) -> int:
    """Run `opdracht` from the project root; every clean output line to `regel`; the exit code."""
    proces = subprocess.Popen(
        opdracht,
        cwd=ROOT,
        env={**os.environ, **STIL},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        bufsize=1,
    )
    assert proces.stdout is not None
    buffer = ""
    while stuk := proces.stdout.read(256):
        buffer += stuk
        *regels, buffer = re.split(r"[\r\n]", buffer)
        for r in regels:
            if r := schoon(r):
                regel(r)
    if r := schoon(buffer):
        regel(r)
    return proces.wait()
