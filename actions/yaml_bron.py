"""Reading trainer-edited YAML with errors that name the file and the line.

Trainers edit YAML by hand, so every error must point at the exact spot:
a syntax error carries the parser's line, a schema error the line of the
offending key (found by walking the composed YAML node tree). The wording is
Dutch (actions/yaml_meldingen.py); list positions count from 1.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from actions.yaml_meldingen import schema_melding, yaml_probleem

# The one place that knows where the trainers' content lives: advies/ and oefenen/ under it.
INHOUD_MAP = Path(__file__).resolve().parent / "inhoud"


class YamlFout(ValueError):
    """A trainer-facing error in a YAML file: file, line and what is wrong."""

    def __init__(self, bestand: Path | str, regel: int | None, melding: str) -> None:
        self.bestand = _toon(bestand)
        self.regel = regel
        self.melding = melding
        plek = f"{self.bestand}, regel {regel}" if regel else self.bestand
        super().__init__(f"{plek}: {melding}")


def _toon(pad: Path | str) -> str:
    """The path as a trainer would type it: relative to the working folder if inside it."""
    relatief = os.path.relpath(pad)
    return str(pad) if relatief.startswith("..") else relatief


def _regel_van(node: yaml.Node | None, pad: Iterable[Any]) -> int | None:
    """1-based line of the node at `pad` (keys and list indexes), or its nearest parent."""
    if node is None:
        return None
    regel = node.start_mark.line + 1
    for stap in pad:
        if isinstance(node, yaml.MappingNode):
            gevonden = next((v for k, v in node.value if k.value == stap), None)
            sleutel = next((k for k, _ in node.value if k.value == stap), None)
            if gevonden is None:
                return regel
            regel = sleutel.start_mark.line + 1
            node = gevonden
        elif isinstance(node, yaml.SequenceNode) and isinstance(stap, int):
            if stap >= len(node.value):
                return regel
            node = node.value[stap]
            regel = node.start_mark.line + 1
        else:
            return regel
    return regel


def pad_tekst(pad: Iterable[Any]) -> str:
    """Render a key path as `adviezen.bezwaar_prijs.varianten[1].tip` (the first variant).

    Positions count from 1, as a trainer counts, in every message.
    """
    tekst = ""
    for stap in pad:
        tekst += f"[{stap + 1}]" if isinstance(stap, int) else (f".{stap}" if tekst else str(stap))
    return tekst or "(bovenste niveau)"


class YamlBestand:
    """One parsed YAML file that can point errors at a key path's line."""

    def __init__(self, pad: Path) -> None:
        self.pad = pad
        try:
            tekst = pad.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise YamlFout(pad, None, "het bestand ontbreekt") from None
        except UnicodeDecodeError:
            raise YamlFout(pad, None, "geen leesbare tekst: sla het op als UTF-8") from None
        except OSError as fout:
            raise YamlFout(pad, None, f"kan het bestand niet lezen ({fout.strerror})") from None
        try:
            self.node = yaml.compose(tekst, Loader=yaml.SafeLoader)
            self.data = yaml.safe_load(tekst)
        except yaml.YAMLError as fout:
            regel, uitleg = yaml_probleem(fout)
            raise YamlFout(pad, regel, uitleg) from None

    def fout(self, pad: Iterable[Any], melding: str) -> YamlFout:
        pad = list(pad)
        return YamlFout(self.pad, _regel_van(self.node, pad), f"{pad_tekst(pad)}: {melding}")

    def controleer(self, schema: dict[str, Any]) -> None:
        """Raise a YamlFout for the first schema violation, at its line."""
        if self.data is None:
            raise YamlFout(self.pad, None, "het bestand is leeg")
        validator = jsonschema.Draft7Validator(schema)
        fouten = sorted(validator.iter_errors(self.data), key=lambda f: list(f.absolute_path))
        if fouten:
            eerste = jsonschema.exceptions.best_match(fouten)
            pad = list(eerste.absolute_path)
            if eerste.validator == "additionalProperties":  # point at the unknown key itself
                toegestaan = eerste.schema.get("properties") or {}
                pad.append(next(k for k in eerste.instance if k not in toegestaan))
            raise self.fout(pad, schema_melding(eerste))

    def controleer_teksten(
        self, teksten: dict[str, str], velden: dict[str, tuple[str, ...]]
    ) -> None:
        """Every text in `velden` is there and uses only its own {fields}; under `teksten`."""
        for sleutel, toegestaan in velden.items():
            if sleutel not in teksten:
                raise self.fout(["teksten"], f"tekst '{sleutel}' ontbreekt")
            try:
                teksten[sleutel].format(**{v: "" for v in toegestaan})
            except (KeyError, IndexError, ValueError) as fout:
                namen = ", ".join(f"{{{v}}}" for v in toegestaan) or "geen velden"
                raise self.fout(["teksten", sleutel], f"alleen {namen} mag erin ({fout})") from None


def teksten_schema(velden: Iterable[str]) -> dict[str, Any]:
    """JSON schema of a `teksten` block: exactly these texts, none empty."""
    namen = list(velden)
    return {
        "type": "object",
        "required": namen,
        "additionalProperties": False,
        "properties": {k: {"type": "string", "minLength": 1} for k in namen},
    }
