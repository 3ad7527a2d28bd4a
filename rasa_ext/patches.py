"""Changes to Rasa 3.6.21 internals that no supported hook can make (rasa_ext.server).

They refuse to load on any other Rasa version: each replaces a private function
whose shape may change in the next release. What has a supported hook is not
here: the `coef_` order is the registered component in rasa_ext/components.py
(named in config.yml) and `gc.freeze()` is a listener of the REST channel
(rasa_ext/channel.py). Measured gains: docs/serving.md. Each patch has a test
that compares it with Rasa's own result (tests/test_rasa_ext.py).

- `jsonschema.validate()` on every answer of the action server first checks
  Rasa's own, constant response schema against the draft 2020-12 metaschema:
  ~33 ms of CPU, more than half of all work per message. Here the validator is
  built once. A valid answer gets the same verdict; an invalid one still goes
  through Rasa's own check, so the error and its message stay Rasa's.
- `Event.resolve_by_type` walks all subclasses of `Event` for every stored event,
  each time a conversation is loaded (the Redis tracker store also loads it
  again to save it). Here it is a dict; an unknown name still goes to Rasa's
  lookup (and its error).
- Workers only (`shared_port`): Sanic's `serve_single` gets `reuse_port`
  (SO_REUSEPORT), so several Rasa processes listen on one port and the kernel
  spreads the connections over them. `rasa run` has no option for it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import rasa

RASA_VERSIE = "3.6.21"  # the pin in requirements.lock (a test keeps them equal)


def controleer_versie(versie: str = rasa.__version__) -> None:
    if versie != RASA_VERSIE:
        raise RuntimeError(
            f"rasa_ext.patches is geschreven voor Rasa {RASA_VERSIE}, maar Rasa {versie} is "
            "geïnstalleerd. Installeer de versie uit requirements.lock (make install), of start "
            "gewoon `rasa run` (zonder deze aanpassingen) en meet en test de patches opnieuw."
        )


controleer_versie()

import sanic.app  # noqa: E402  (only after the version check)
from jsonschema import validators  # noqa: E402
from jsonschema.protocols import Validator  # noqa: E402
from rasa.core.actions.action import RemoteAction  # noqa: E402
from rasa.shared.core.events import Event  # noqa: E402
from rasa.shared.utils.common import all_subclasses  # noqa: E402

_rasa_controle = RemoteAction._validate_action_result
_sanic_serveer = sanic.app.serve_single
_rasa_event_klasse = Event.resolve_by_type


@cache
def _antwoord_validator() -> Validator:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # once, instead of on every answer
    return cls(schema)


def controleer_antwoord(self: RemoteAction, result: dict[str, Any]) -> bool:
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


def event_klasse(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    return _event_klassen().get(type_name) or _rasa_event_klasse(type_name, default)


def serve_with_shared_port(settings: dict[str, Any]) -> Any:
    settings["reuse_port"] = True  # SO_REUSEPORT: the kernel spreads connections over the workers
    return _sanic_serveer(settings)


def installeer(*, shared_port: bool = False) -> None:
    """Patch Rasa before it starts; `shared_port` for one of several worker processes."""
    RemoteAction._validate_action_result = controleer_antwoord  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(event_klasse)  # type: ignore[method-assign,assignment]
    if shared_port:
        sanic.app.serve_single = serve_with_shared_port
