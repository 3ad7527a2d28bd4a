"""Four costs per message of Rasa 3.6.21 that buy nothing, removed (rasa_ext.server).

Found with py-spy on the Rasa server under 50 concurrent sellers (docs/serving.md):

- `jsonschema.validate()` on every answer of the action server first checks
  Rasa's own, constant response schema against the draft 2020-12 metaschema:
  ~33 ms of CPU, more than half of all work per message. Here the validator is
  built once. A valid answer gets the same verdict; an invalid one still goes
  through Rasa's own check, so the error and its message stay Rasa's.
- `Event.resolve_by_type` walks all subclasses of `Event` for every stored event,
  each time a conversation is loaded or saved. Here it is a dict; an unknown name
  still goes to Rasa's lookup (and its error).
- The intent classifier multiplies the sparse features by `coef_.T`, which scipy
  copies (45 x 12k weights) to C order on every message. Stored in Fortran order,
  `coef_.T` already is; the numbers are the same.
- Each full garbage collection walks the ~540k long-lived objects of Rasa and the
  model and stalls every open conversation for ~0.3 s. Once the model is loaded
  they are frozen out of the collector's reach (`gc.freeze()`).
"""

from __future__ import annotations

import gc
from functools import cache
from typing import Any

import numpy as np
import rasa.core.run
import sanic.app
from jsonschema import validators
from jsonschema.protocols import Validator
from rasa.core.actions.action import RemoteAction
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

_rasa_controle = RemoteAction._validate_action_result
_rasa_event_klasse = Event.resolve_by_type


@cache
def _antwoord_validator() -> Validator:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # once, instead of on every answer
    return cls(schema)


def _controleer_antwoord(self: RemoteAction, result: dict[str, Any]) -> bool:
    if _antwoord_validator().is_valid(result):
        return True
    return _rasa_controle(self, result)  # raises Rasa's ValidationError with its hint


@cache
def _event_klassen() -> dict[str, type[Event]]:
    # Built on first use, when Rasa has imported every event class; the first
    # class per name wins, as in Rasa's lookup.
    klassen: dict[str, type[Event]] = {}
    for klasse in all_subclasses(Event):
        klassen.setdefault(klasse.type_name, klasse)
    return klassen


def _event_klasse(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    return _event_klassen().get(type_name) or _rasa_event_klasse(type_name, default)


_rasa_laad_lr = LogisticRegressionClassifier.load.__func__  # type: ignore[attr-defined]


def _laad_lr(cls: type, *args: Any, **kwargs: Any) -> LogisticRegressionClassifier:
    classifier = _rasa_laad_lr(cls, *args, **kwargs)
    if hasattr(classifier.clf, "coef_"):  # not when trained on no data
        classifier.clf.coef_ = np.asfortranarray(classifier.clf.coef_)
    return classifier


_rasa_laad_agent = rasa.core.run.load_agent_on_start


async def _laad_agent_en_bevries(*args: Any, **kwargs: Any) -> Any:
    agent = await _rasa_laad_agent(*args, **kwargs)
    gc.collect()
    gc.freeze()  # what exists now lives as long as the server
    return agent


_sanic_serveer = sanic.app.serve_single


def _serveer_met_gedeelde_poort(settings: dict[str, Any]) -> Any:
    settings["reuse_port"] = True  # SO_REUSEPORT: the kernel spreads connections over the workers
    return _sanic_serveer(settings)


def installeer(*, gedeelde_poort: bool = False) -> None:
    """Patch Rasa before it starts; `gedeelde_poort` for one of several worker processes."""
    RemoteAction._validate_action_result = _controleer_antwoord  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(_event_klasse)  # type: ignore[method-assign,assignment]
    LogisticRegressionClassifier.load = classmethod(_laad_lr)  # type: ignore[method-assign,assignment]
    rasa.core.run.load_agent_on_start = _laad_agent_en_bevries
    if gedeelde_poort:
        sanic.app.serve_single = _serveer_met_gedeelde_poort
