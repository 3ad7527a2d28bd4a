"""A value derived from one file, computed again only when that file changed.

The trainer's web app checks the data after every label and reads domain.yml on
most pages; parsing 180 files each time would cost seconds. The key is the
file's content (a BLAKE2 digest): reading 180 small files costs milliseconds,
and unlike a file time it cannot miss two quick writes of the same length.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
_WAARDEN: dict[tuple[Hashable, Path], tuple[bytes, Any]] = {}


def per_versie(soort: Hashable, pad: Path, maak: Callable[[Path], T]) -> T:
    """`maak(pad)`, kept per `soort` until the file changes; a missing file is never kept."""
    try:
        versie = hashlib.blake2b(pad.read_bytes(), digest_size=16).digest()
    except OSError:
        return maak(pad)  # `maak` says (in Dutch) what is wrong
    gevonden = _WAARDEN.get((soort, pad))  # .get: the web app reads from threads
    if gevonden is None or gevonden[0] != versie:
        gevonden = (versie, maak(pad))
        _WAARDEN[(soort, pad)] = gevonden
    return gevonden[1]
