"""Rasa's own plugin hooks (rasa.plugin, pluggy), registered by rasa_ext.server.

- configure_commandline: the API token comes from the environment (RASA_TOKEN),
  never from argv, where every user of the machine reads it with `ps`.
- create_tracker_store: a plain `type: SQL` store becomes the strict one of
  rasa_ext/opslag.py, so a store that cannot be opened or written stops the start.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

import pluggy

TOKEN_VARIABELE = "RASA_TOKEN"

hookimpl = pluggy.HookimplMarker("rasa")


@hookimpl  # type: ignore[misc]
def configure_commandline(cmdline_arguments: argparse.Namespace) -> None:
    token = os.environ.get(TOKEN_VARIABELE)
    if token and hasattr(cmdline_arguments, "auth_token"):
        cmdline_arguments.auth_token = token


@hookimpl  # type: ignore[misc]
def create_tracker_store(endpoint_config: Any, domain: Any, event_broker: Any) -> Any:
    soort = getattr(endpoint_config, "type", None)
    if not isinstance(soort, str) or soort.lower() != "sql":
        return None  # Rasa's own factory (firstresult: None means "not mine")
    from rasa_ext.opslag import StrikteSQLTrackerStore

    return StrikteSQLTrackerStore(
        domain=domain,
        host=endpoint_config.url,
        event_broker=event_broker,
        **endpoint_config.kwargs,
    )


def installeer() -> None:
    import sys

    from rasa.plugin import plugin_manager

    plugin_manager().register(sys.modules[__name__])
