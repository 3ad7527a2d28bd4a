"""Quiet output for trainers: no TensorFlow, jax, sklearn or deprecation noise.

PYTHONWARNINGS alone does not work: Sanic asks for every DeprecationWarning
"once" when it is imported (sanic/app.py), which overrides the environment. So
`stil()` imports Sanic first and then ignores the library warnings a trainer
cannot act on. Rasa's own UserWarnings about the data stay visible.

`python -m tools.stil data validate --fail-on-warnings` is `rasa data validate
--fail-on-warnings` with that quiet output (the Makefile uses it).
"""

from __future__ import annotations

import logging
import os
import sys
import warnings

_STIL = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "RASA_TELEMETRY_ENABLED": "false",
    "PYTHONWARNINGS": "ignore::DeprecationWarning,ignore::FutureWarning",
}


def stil() -> None:
    """Silence library warnings and logs; call before importing Rasa or TensorFlow."""
    for naam, waarde in _STIL.items():
        os.environ.setdefault(naam, waarde)
    import sanic  # noqa: F401  (its import adds the "once" filter that is overridden below)
    from sklearn.exceptions import ConvergenceWarning, UndefinedMetricWarning

    for soort in (DeprecationWarning, PendingDeprecationWarning, FutureWarning):
        warnings.filterwarnings("ignore", category=soort)
    # Training-time and metric warnings of sklearn say nothing a trainer can change here.
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    warnings.filterwarnings("ignore", category=UndefinedMetricWarning)
    # The warnings Rasa's own command line silences (e.g. "Slot auto-fill has been removed").
    from rasa.utils.common import EXPECTED_WARNINGS

    for soort, tekst in EXPECTED_WARNINGS:
        warnings.filterwarnings("ignore", message=f".*{tekst}", category=soort)
    for naam in ("tensorflow", "absl", "jax", "h5py", "matplotlib"):
        logging.getLogger(naam).setLevel(logging.ERROR)


def rasa(argumenten: list[str]) -> None:
    """Run the `rasa` command line with `argumenten`, quietly."""
    stil()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *argumenten]
    rasa_main()


if __name__ == "__main__":
    rasa(sys.argv[1:])
