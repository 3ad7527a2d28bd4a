"""Dutch wording for YAML parser and schema errors, for trainers who edit YAML by hand.

PyYAML and jsonschema explain in English and in parser terms ("expected <block
end>", "'tip' is a required property"). A trainer needs what is wrong, the limit
and how to fix it, in Dutch. List positions count from 1, as a trainer counts.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import jsonschema
import yaml

_TYPEN = {
    "string": "een tekst",
    "array": "een lijst (regels die met '- ' beginnen)",
    "object": "een blok met sleutels (sleutel: waarde)",
    "boolean": "true of false",
    "integer": "een geheel getal",
    "number": "een getal",
}

_ONGESLOTEN = "niet gesloten: zet het sluitteken op dezelfde regel, of zet de tekst tussen '...'"

# (parser problem, Dutch explanation with the fix); the first match wins.
_YAML_PROBLEMEN: tuple[tuple[str, str], ...] = (
    (
        r"found character '\\t'",
        "er staat een tab; spring in met spaties (2 per niveau), nooit met tabs",
    ),
    (
        r"found character '(.)' that cannot start",
        "een tekst mag niet met '{0}' beginnen; zet de hele tekst tussen aanhalingstekens",
    ),
    (
        r"mapping values are not allowed",
        "inspringing klopt niet, of er staat een ':' midden in een tekst; "
        "zet zo'n tekst tussen aanhalingstekens, of lijn de regel uit met de sleutels erboven",
    ),
    (r"could not find expected ':'", "een sleutel mist zijn ':' (sleutel: waarde)"),
    (
        r"but found '<block sequence start>'|but found '-'",
        "inspringing klopt niet: een lijstregel ('- ...') staat verder of minder ver "
        "ingesprongen dan de regels erboven",
    ),
    (
        r"did not find expected '-' indicator",
        "inspringing klopt niet in een lijst: elk item begint met '- ' op dezelfde hoogte",
    ),
    (
        r"expected <block end>|did not find expected key",
        "inspringing klopt niet: deze regel staat niet op één lijn met de sleutels erboven",
    ),
    (r"expected ',' or '\]'", f"een lijst tussen [ ] is {_ONGESLOTEN}"),
    (r"expected ',' or '\}'", f"een blok tussen {{ }} is {_ONGESLOTEN}"),
    (r"end of stream", f"een aanhalingsteken is {_ONGESLOTEN}"),
    (
        r"undefined alias",
        "een '*' aan het begin van een tekst; zet de tekst tussen aanhalingstekens",
    ),
    (
        r"anchor",
        "een '&' aan het begin van een tekst; zet de tekst tussen aanhalingstekens",
    ),
)
_ALGEMEEN = (
    "de opbouw klopt niet rond deze regel; kijk naar de inspringing (spaties, geen tabs), "
    "de ':' na elke sleutel en of elk aanhalingsteken en haakje gesloten is"
)


def yaml_probleem(fout: yaml.YAMLError) -> tuple[int | None, str]:
    """The 1-based line and a Dutch explanation of a YAML parser error."""
    probleem = str(getattr(fout, "problem", "") or fout)
    mark = getattr(fout, "problem_mark", None) or getattr(fout, "context_mark", None)
    # An unclosed quote or bracket is found later; where it opens is what to fix.
    if re.search(r"end of stream|<stream end>|expected ',' or", probleem) and getattr(
        fout, "context_mark", None
    ):
        mark = fout.context_mark  # type: ignore[attr-defined]
    regel = mark.line + 1 if mark else None
    for patroon, uitleg in _YAML_PROBLEMEN:
        gevonden = re.search(patroon, probleem)
        if gevonden:
            uitleg = uitleg.format(*gevonden.groups())
            if uitleg.startswith("inspringing") and regel and regel > 1:
                uitleg += " (de parser merkt het soms pas een regel later: kijk ook erboven)"
            return regel, uitleg
    return regel, _ALGEMEEN


def _aantal(n: int, enkel: str, meer: str) -> str:
    return f"{n} {enkel if n == 1 else meer}"


def _sleutels(namen: Any) -> str:
    return ", ".join(str(n) for n in namen)


def schema_melding(fout: jsonschema.ValidationError) -> str:
    """One jsonschema error in Dutch: what is wrong, the limit, and what to do."""
    soort, grens, waarde = fout.validator, fout.validator_value, fout.instance
    if soort == "required":
        ontbrekend = [k for k in grens if k not in waarde]
        onbekend = [k for k in waarde if k not in (fout.schema.get("properties") or {})]
        melding = f"verplichte sleutel '{ontbrekend[0]}' ontbreekt"
        if onbekend:
            return melding + f"; '{onbekend[0]}' is onbekend: een tikfout voor '{ontbrekend[0]}'?"
        return melding + f" (nodig: {_sleutels(grens)})"
    if soort == "additionalProperties":
        toegestaan = list(fout.schema.get("properties") or {})
        onbekend = [k for k in waarde if k not in toegestaan]
        bedoeld = difflib.get_close_matches(str(onbekend[0]), toegestaan, n=1)
        hint = f"een tikfout voor '{bedoeld[0]}'? " if bedoeld else ""
        return f"onbekende sleutel '{onbekend[0]}' ({hint}toegestaan: {_sleutels(toegestaan)})"
    if soort == "maxLength":
        return f"te lang: {len(waarde)} tekens, maximaal {grens}; maak de tekst korter"
    if soort == "minLength":
        return "mag niet leeg zijn" if grens == 1 else f"te kort: minimaal {grens} tekens"
    if soort == "maxItems":
        return f"te veel: {len(waarde)} items, maximaal {grens}; haal er {len(waarde) - grens} weg"
    if soort == "minItems":
        return f"te weinig: {_aantal(len(waarde), 'item', 'items')}, minimaal {grens}"
    if soort == "maxProperties":
        return f"te veel sleutels: {len(waarde)}, maximaal {grens}"
    if soort == "minProperties":
        return f"te weinig sleutels: {len(waarde)}, minimaal {grens}"
    if soort == "type":
        verwacht = grens if isinstance(grens, str) else grens[0]
        return f"moet {_TYPEN.get(verwacht, verwacht)} zijn (nu: {_beschrijf(waarde)})"
    if soort == "oneOf":
        return "moet een zin zijn, of één label met een zin (Label: zin)"
    if soort == "dependencies":
        nodig = [k for k, deps in grens.items() if k in waarde for d in deps if d not in waarde]
        return f"'{nodig[0]}' vraagt ook de sleutel '{grens[nodig[0]][0]}'"
    if soort == "enum":
        return f"'{waarde}' kan niet; kies uit: {_sleutels(grens)}"
    return f"klopt niet (regel '{soort}': {grens})"


def _beschrijf(waarde: Any) -> str:
    if waarde is None:
        return "leeg"
    for python, naam in ((bool, "boolean"), (str, "string"), (list, "array"), (dict, "object")):
        if isinstance(waarde, python):
            return _TYPEN[naam]
    return _TYPEN["number"] if isinstance(waarde, int | float) else type(waarde).__name__
