"""What a client may send to Rasa: at most MAX_TEKENS characters, and which button payloads
may reach Rasa as an intent (an allowlist derived from domain.yml).

Rasa reads any text that starts with "/" as `/intent@confidence{"entity": value}`:
no NLU, any intent (also `restart` and `session_start`), any entity. Only the
coach's own buttons and command table may speak that language, and only with
an intent of the domain and the entities the buttons use. Used by the bot
(callback data) and by the REST channel (rasa_ext/channel.py); no Rasa import.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DOMEIN = Path(__file__).resolve().parents[1] / "domain.yml"
MAX_TEKENS = 2000  # the longest message the coach reads (bot and REST channel alike)
TE_LANG_TEKST = (
    f"Dat bericht is te lang voor mij (meer dan {MAX_TEKENS} tekens). Vat het samen in een paar "
    'woorden, bijvoorbeeld: "klant twijfelt tussen twee modellen".'
)
# The entities that the coach's buttons carry (actions/coach_acties.py, oefen_acties.py).
KNOP_ENTITEITEN = frozenset({"gekozen_fase", "oefen_scenario"})
# Rasa's default intents that reset or replay a conversation: never from a button.
NOOIT = frozenset({"restart", "session_start", "back", "nlu_fallback"})
MAX_WAARDE = 64  # characters in an entity value; the longest scenario or phase name is far less
_VORM = re.compile(r"/([a-z0-9_]+)(\{.*\})?", re.DOTALL)  # no "@confidence"


@dataclass(frozen=True)
class KnopRegels:
    intents: frozenset[str]
    entiteiten: frozenset[str]

    @classmethod
    def uit_domein(cls, pad: Path = DOMEIN) -> KnopRegels:
        domein = yaml.safe_load(pad.read_text(encoding="utf-8"))
        entiteiten = KNOP_ENTITEITEN & set(domein.get("entities") or ())
        # An entity that fills another slot than its namesake could set internal state.
        for naam, slot in (domein.get("slots") or {}).items():
            for mapping in slot.get("mappings") or ():
                if mapping.get("type") == "from_entity" and mapping.get("entity") != naam:
                    entiteiten.discard(mapping.get("entity"))
        return cls(frozenset(domein.get("intents") or ()) - NOOIT, frozenset(entiteiten))

    def toegestaan(self, payload: str) -> bool:
        """True for plain text, and for `/intent{...}` on the allowlist; False for the rest."""
        if not payload.startswith("/"):
            return True
        vorm = _VORM.fullmatch(payload)
        if vorm is None or vorm.group(1) not in self.intents:
            return False
        return vorm.group(2) is None or self._entiteiten_goed(vorm.group(2))

    def _entiteiten_goed(self, tekst: str) -> bool:
        try:
            entiteiten: Any = json.loads(tekst)
        except ValueError:
            return False
        return isinstance(entiteiten, dict) and all(
            naam in self.entiteiten and isinstance(waarde, str) and len(waarde) <= MAX_WAARDE
            for naam, waarde in entiteiten.items()
        )
