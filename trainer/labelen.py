"""Labelling one seller message: into the right data/nlu file, deduplicated, then checked.

The example goes into `data/nlu/<fase>/inbox.yml` (buiten domein:
`data/nlu/buiten_domein/inbox.yml`), written round-trip with ruamel.yaml so the
comments and the order of a trainer's edits stay. The checks of `make validate`
that a label can fail then run in-process (trainer/controle.py, well under a
second); if one fails the file is put back as it was.
"negeren" writes nothing to the training data: the text goes into
`var/trainer_genegeerd.json` and so leaves the inbox.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from stack.paths import ROOT
from tools.bestandsversie import per_versie
from tools.domein import DOMAIN, fase_per_intent, platte_tekst
from trainer import controle, proces

DATA = ROOT / "data"
CONFIG = ROOT / "config.yml"
BUITEN_DOMEIN = "out_of_scope"
NEGEREN = "negeren"
MAX_TEKST = 500  # characters; a longer message is no useful training example
KOP = (
    "# Voorbeelden uit de inbox van de trainer (trainer/labelen.py): echte berichten van\n"
    "# verkopers, met de hand gelabeld. Bewerken mag; de volgorde en dit commentaar blijven.\n"
)


@dataclass
class Resultaat:
    ok: bool
    bestand: Path
    meldingen: list[str] = field(default_factory=list)


def genegeerd_pad(data: Path) -> Path:
    """`var/trainer_genegeerd.json` beside the data folder (a copy in a test has its own)."""
    return data.resolve().parent / "var" / "trainer_genegeerd.json"


def genegeerd(data: Path = DATA) -> list[str]:
    try:
        waarde = json.loads(genegeerd_pad(data).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [str(t) for t in waarde] if isinstance(waarde, list) else []


_INTENT = re.compile(r"^-\s*intent:\s*(\S+)")
_VOORBEELD = re.compile(r"^\s+-\s+(.+?)\s*$")


def bekende_voorbeelden(data: Path = DATA) -> dict[str, tuple[str, Path]]:
    """Every training example, normalised: (intent, file). A line scan, kept per file version."""
    uit: dict[str, tuple[str, Path]] = {}
    for pad in sorted((data / "nlu").rglob("*.yml")):
        for tekst, waarde in per_versie("voorbeelden", pad, _voorbeelden_in).items():
            uit.setdefault(tekst, waarde)
    return uit


def _voorbeelden_in(pad: Path) -> dict[str, tuple[str, Path]]:
    from trainer.inbox import normaliseer  # one normal form for the inbox and the dedup

    uit: dict[str, tuple[str, Path]] = {}
    intent = None
    for regel in pad.read_text(encoding="utf-8").splitlines():
        if m := _INTENT.match(regel):
            intent = m.group(1)
        elif intent and regel[:1] == " " and (m := _VOORBEELD.match(regel)):
            uit.setdefault(normaliseer(platte_tekst(m.group(1))), (intent, pad))
        elif regel[:1] not in (" ", ""):
            intent = intent if regel.lstrip().startswith(("examples", "#")) else None
    return uit


def _yaml() -> YAML:
    yaml = YAML()  # round-trip: comments, order and quoting stay as the trainer wrote them
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=2, offset=0)
    yaml.width = 4096
    return yaml


def map_voor(intent: str, data: Path = DATA, domain: Path = DOMAIN) -> Path | None:
    """The phase folder of an intent (data/nlu/<fase>), or buiten_domein; None if unknown."""
    if intent == BUITEN_DOMEIN:
        return data / "nlu" / "buiten_domein"
    fase = fase_per_intent(domain).get(intent)
    return data / "nlu" / fase if fase else None


def _schrijf_atomair(pad: Path, tekst: str) -> None:
    pad.parent.mkdir(parents=True, exist_ok=True)
    fd, tijdelijk = tempfile.mkstemp(dir=pad.parent, prefix=f".{pad.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(tekst)
    os.replace(tijdelijk, pad)


def schrijf_voorbeeld(pad: Path, tekst: str, intent: str) -> None:
    """Append `- tekst` to the intent's block in `pad` (created with KOP when missing)."""
    yaml = _yaml()
    if pad.is_file():
        inhoud = yaml.load(pad.read_text(encoding="utf-8"))
    else:
        inhoud = yaml.load(f'{KOP}version: "3.1"\nnlu: []\n')
    if inhoud.get("nlu") is None:
        inhoud["nlu"] = []
    blok = next((b for b in inhoud["nlu"] if b.get("intent") == intent), None)
    if blok is None:
        inhoud["nlu"].append({"intent": intent, "examples": LiteralScalarString(f"- {tekst}\n")})
    else:
        bestaand = str(blok.get("examples") or "")
        blok["examples"] = LiteralScalarString(f"{bestaand.rstrip()}\n- {tekst}\n".lstrip())
    uit = io.StringIO()
    yaml.dump(inhoud, uit)
    _schrijf_atomair(pad, uit.getvalue())


def controleer(data: Path = DATA, domain: Path = DOMAIN) -> list[str]:
    """The checks of `make validate` a label can fail, in-process (trainer/controle.py)."""
    return controle.controleer(data, domain)


def controleer_alles(data: Path = DATA, domain: Path = DOMAIN, config: Path = CONFIG) -> list[str]:
    """All of `make validate` (tens of seconds): for a new situation, which changes more.

    The data checks run in-process on this data folder; `tools.validate` as a command
    checks the project's own advice files (its paths are fixed), Rasa every file given.
    """
    paden = ["--data", str(data), "--domain", str(domain), "--config", str(config)]
    opdrachten = [
        [*proces.RASA_STIL, "data", "validate", "--fail-on-warnings", "--quiet", *paden],
        [sys.executable, "-m", "tools.validate"],
    ]
    meldingen = controleer(data, domain)
    # Both at once: Rasa's check reads every NLU file and takes most of the time.
    with ThreadPoolExecutor(len(opdrachten)) as pool:
        for uitvoer, code in pool.map(_draai, opdrachten):
            if code != 0:
                meldingen += uitvoer[-10:] or ["de controle faalde zonder melding"]
    return meldingen


def _draai(opdracht: list[str]) -> tuple[list[str], int]:
    regels: list[str] = []
    return regels, proces.draai(opdracht, regels.append)


@contextmanager
def _slot(data: Path) -> Iterator[None]:
    """One labelling at a time: two trainers never interleave write, check and roll back."""
    pad = genegeerd_pad(data).with_name("trainer_labelen.lock")
    pad.parent.mkdir(parents=True, exist_ok=True)
    with pad.open("w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _negeer(tekst: str, data: Path) -> Resultaat:
    pad = genegeerd_pad(data)
    lijst = genegeerd(data)
    if tekst not in lijst:
        _schrijf_atomair(pad, json.dumps([*lijst, tekst], ensure_ascii=False, indent=1))
    return Resultaat(True, pad, [f'"{tekst}" wordt genegeerd en staat niet meer in de inbox.'])


def _fout_in_tekst(tekst: str) -> str | None:
    if not tekst:
        return "Dit bericht is leeg; er valt niets te labelen."
    if len(tekst) > MAX_TEKST:
        return f"Dit bericht is {len(tekst)} tekens; een voorbeeld mag hooguit {MAX_TEKST} zijn."
    if len(tekst.splitlines()) > 1:
        return "Een voorbeeld is één regel; dit bericht heeft er meer. Label de regels apart."
    if not tekst.isprintable():
        return "Dit bericht bevat onzichtbare tekens; typ het voorbeeld opnieuw zonder die tekens."
    return None


def voeg_toe(
    tekst: str,
    intent: str,
    *,
    data: Path = DATA,
    domain: Path = DOMAIN,
) -> Resultaat:
    """Label `tekst` as `intent` ("out_of_scope" = buiten domein, "negeren" = ignore)."""
    from trainer.inbox import normaliseer

    tekst = re.sub(" {2,}", " ", str(tekst).strip())
    if fout := _fout_in_tekst(tekst):
        return Resultaat(False, data, [fout])
    with _slot(data):
        if intent == NEGEREN:
            return _negeer(tekst, data)
        map_ = map_voor(intent, data, domain)
        if map_ is None:
            return Resultaat(
                False, data, [f"Onbekende situatie '{intent}': kies er een uit de lijst."]
            )
        pad = map_ / "inbox.yml"
        bekend = bekende_voorbeelden(data).get(normaliseer(tekst))
        if bekend is not None:
            ander, waar = bekend
            if ander == intent:
                return Resultaat(True, waar, [f'"{tekst}" staat al als voorbeeld in {waar.name}.'])
            return Resultaat(
                False,
                waar,
                [
                    f'"{tekst}" staat al als voorbeeld van {ander} in {waar}; een voorbeeld hoort '
                    "bij één situatie. Pas dat bestand aan als het daar fout staat."
                ],
            )
        oud = pad.read_bytes() if pad.is_file() else None
        schrijf_voorbeeld(pad, tekst, intent)
        meldingen = controleer(data, domain)
        if meldingen:
            if oud is None:
                pad.unlink()
            else:
                pad.write_bytes(oud)
            return Resultaat(
                False, pad, ["De controle faalde; het bestand is teruggezet.", *meldingen]
            )
        return Resultaat(True, pad, [f'"{tekst}" toegevoegd aan {intent} in {pad}.'])
