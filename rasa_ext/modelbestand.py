"""Checks the model archive before Rasa loads it: a missing or broken model fails in seconds.

Rasa itself starts its HTTP server first and then fails to load the model (or
serves without one), so the stack waited its full start-up time for a misleading
error. This check reads the archive once (a gzip'ed tar, ~0.5 s for the coach's
model) and Rasa's metadata.json in it; it imports nothing of Rasa.
"""

from __future__ import annotations

import json
import tarfile
import zlib
from pathlib import Path

METADATA = "metadata.json"  # rasa.engine.storage.local_model_storage.MODEL_ARCHIVE_METADATA_FILE
VELDEN = ("domain", "rasa_open_source_version", "predict_schema")  # what Rasa reads to load it


class ModelFout(ValueError):
    """The model cannot be used; str() is one Dutch line."""


def kies(pad: Path) -> Path:
    """The archive Rasa would load: `pad` itself, or the newest .tar.gz in a folder."""
    if pad.is_dir():
        archieven = sorted(pad.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
        if not archieven:
            raise ModelFout(f"geen model in {pad}: train het eerst met `make train`")
        return archieven[-1]
    return pad


def controleer(pad: Path) -> Path:
    """The archive to load; ModelFout if it is missing, not a readable tar.gz, or not Rasa's."""
    archief = kies(pad)
    if not archief.is_file():
        raise ModelFout(f"geen model in {archief}: train het eerst met `make train`")
    try:
        with tarfile.open(archief, "r:gz") as tar:
            leden = {lid.name.lstrip("./"): lid for lid in tar}  # reads to the end: truncation
            lid = leden.get(METADATA)
            bestand = tar.extractfile(lid) if lid else None
            metadata = json.load(bestand) if bestand else None
    except (OSError, EOFError, tarfile.TarError, zlib.error, ValueError) as exc:
        raise ModelFout(
            f"het model {archief} is kapot of geen Rasa-model ({type(exc).__name__}: {exc}): "
            "train het opnieuw met `make train`"
        ) from None
    if not isinstance(metadata, dict) or any(veld not in metadata for veld in VELDEN):
        raise ModelFout(
            f"het model {archief} mist Rasa's {METADATA}: geen Rasa-model; "
            "train het opnieuw met `make train`"
        )
    return archief
