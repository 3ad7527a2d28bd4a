"""Where the project and its Rasa live: defined once, for every process and tool."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASA = str(Path(sys.executable).parent / "rasa")  # the `rasa` command of this venv
