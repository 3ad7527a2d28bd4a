"""A value derived from one file, computed again only when that file changed.

The trainer's web app checks the data after every label and reads domain.yml on
most pages; parsing 180 files each time would cost seconds. The key is (inode,
mtime, size): an atomic write (os.replace) always brings a new inode.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
_WAARDEN: dict[tuple[Hashable, Path], tuple[tuple[int, int, int], Any]] = {}


def per_versie(soort: Hashable, pad: Path, maak: Callable[[Path], T]) -> T:
    """`maak(pad)`, kept per `soort` until the file changes; a missing file is never kept."""
    try:
        stat = pad.stat()
    except OSError:
        return maak(pad)  # `maak` says (in Dutch) what is wrong
    versie = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    gevonden = _WAARDEN.get((soort, pad))  # .get: the web app reads from threads
    if gevonden is None or gevonden[0] != versie:
        gevonden = (versie, maak(pad))
        _WAARDEN[(soort, pad)] = gevonden
    return gevonden[1]
