"""Where the project and its Rasa live: defined once, for every process and tool."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASA = str(Path(sys.executable).parent / "rasa")  # the `rasa` command of this venv


def relatief(pad: Path) -> str:
    """A path as the docs show it: relative to the project when it lies inside."""
    return str(pad.relative_to(ROOT) if pad.is_relative_to(ROOT) else pad)
