"""The checks of `make validate` after one label, in-process and within a second.

`make validate` is tools.validate plus `rasa data validate --fail-on-warnings`:
together tens of seconds, mostly Rasa reading 180 NLU files (about 0.1 s each,
its schema check). A label adds one example of an intent domain.yml knows to one
NLU file and touches nothing else, so after a label:

- the project's data checks (`tools.datacontrole.problemen`) run on the whole
  data folder; they parse again only the files that changed;
- of Rasa's checks, those an NLU file can fail run as Rasa runs them: Rasa's own
  reader (its YAML schema, the entity annotations) on each changed file, then
  Rasa's `Validator.verify_intents` and `verify_example_repetition_in_intents`
  over all examples. Each file's examples are kept until that file changes
  (tools/bestandsversie.py).

Rasa's story, rule, form, slot and domain checks read only domain.yml and
data/rules and data/stories; tools.validate's advice checks read actions/ and
domain.yml. A label changes none of these, so their outcome cannot change.
A new situation does change them: trainer/situatie.py runs all of `make validate`.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

from tools import datacontrole
from tools.bestandsversie import per_versie

_NIET_IN_DOMEIN = re.compile(r"labeled with intent '(.+?)'\. This intent is not listed")
_GEEN_VOORBEELDEN = re.compile(r"The intent '(.+?)' is listed in the domain file, but is not")
_DUBBEL = re.compile(r"The example '(.*)' was found labeled .* labeled with: (.+)\.$", re.S)


def _voorbeelden(pad: Path) -> list[Any] | str:
    """Rasa's messages of one NLU file, or Rasa's own error for it."""
    from rasa.shared.exceptions import RasaException
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # datacontrole says it in Dutch (a line without '- ')
            uitslag: list[Any] | str = RasaYAMLReader().read(pad).training_examples
    except (RasaException, ValueError) as fout:
        uitslag = f"{pad}: Rasa kan dit bestand niet lezen: {str(fout).splitlines()[0]}"
    return uitslag


def _domein(domain: Path) -> Any:
    from rasa.shared.core.domain import Domain

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Slot auto-fill has been removed": Rasa's own notice
        return Domain.load(domain)


def _in_het_nederlands(melding: str, bestanden: dict[str, list[Path]], domain: Path) -> str:
    if m := _NIET_IN_DOMEIN.search(melding):
        waar = ", ".join(str(p) for p in bestanden.get(m[1], [])) or "data/nlu"
        return (
            f"{waar}: intent '{m[1]}' staat niet in {domain.name}; zet hem daar onder "
            "'intents:' (en bij zijn fase), of haal de voorbeelden weg"
        )
    if m := _GEEN_VOORBEELDEN.search(melding):
        return f"{domain.name}: intent '{m[1]}' heeft geen enkel voorbeeld in data/nlu"
    if m := _DUBBEL.search(melding):
        return (
            f"het voorbeeld '{m[1]}' staat bij meer dan één intent ({m[2]}); een voorbeeld "
            "hoort bij één situatie"
        )
    return melding


def rasa_nlu(data: Path, domain: Path) -> list[str]:
    """Rasa's checks an NLU change can fail, as `--fail-on-warnings` counts them; [] = pass."""
    from rasa.shared.core.training_data.structures import StoryGraph
    from rasa.shared.exceptions import RasaException
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from rasa.validator import Validator

    problemen: list[str] = []
    voorbeelden: list[Any] = []
    bestanden: dict[str, list[Path]] = {}
    for pad in sorted((data / "nlu").rglob("*.yml")):
        uitslag = per_versie("rasa_nlu", pad, _voorbeelden)
        if isinstance(uitslag, str):
            problemen.append(uitslag)
            continue
        voorbeelden += uitslag
        for intent in {v.get("intent") for v in uitslag if v.get("intent")}:
            bestanden.setdefault(intent, []).append(pad)
    try:
        domein = per_versie("rasa_domein", domain, _domein)
    except (RasaException, ValueError, OSError) as fout:
        return [*problemen, f"{domain}: Rasa kan het domein niet lezen: {fout}"]
    nlu = TrainingData()
    # Not TrainingData(voorbeelden): its de-duplication hashes every message (most of the
    # time here) and changes neither check: both look at the set of intents per text.
    nlu.training_examples = voorbeelden
    validator = Validator(domein, nlu, StoryGraph([]), {})
    with warnings.catch_warnings(record=True) as gezien:
        warnings.simplefilter("always")
        ok = validator.verify_intents(ignore_warnings=False)
        ok = validator.verify_example_repetition_in_intents(ignore_warnings=False) and ok
    if not ok:
        problemen += [_in_het_nederlands(str(w.message), bestanden, domain) for w in gezien]
    return problemen


def controleer(data: Path, domain: Path) -> list[str]:
    """The checks a label can fail: one Dutch line per problem, [] when all pass."""
    return datacontrole.problemen(data, domain) + rasa_nlu(data, domain)
