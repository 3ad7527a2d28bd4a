"""A throwaway PostgreSQL server for the tests and the bench: apt installs it when missing.

PostgreSQL refuses to run as root, so initdb and pg_ctl run as the user
`postgres` (runuser). The server listens on 127.0.0.1 on a free port only.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stack.launcher import free_port

GEBRUIKER = "postgres"


def _bin() -> Path:
    """The bin folder of the newest installed PostgreSQL; apt-get installs it when missing."""
    gevonden = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not gevonden:
        apt = ["apt-get", "install", "-y", "-qq", "postgresql"]
        if subprocess.run(apt, check=False, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True)
            subprocess.run(apt, check=True, capture_output=True)
        gevonden = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(gevonden[-1]).parent


def _als_postgres(*opdracht: str) -> None:
    voor = ["runuser", "-u", GEBRUIKER, "--"] if os.geteuid() == 0 else []
    proces = subprocess.run([*voor, *opdracht], capture_output=True, text=True, check=False)
    if proces.returncode != 0:
        raise RuntimeError(f"{' '.join(opdracht)} faalde: {proces.stdout}{proces.stderr}")


@contextmanager
def postgres_server(map_: Path, db: str = "verkoopcoach") -> Iterator[str]:
    """Start a server with database `db`; yields its SQLAlchemy URL; stops and removes it after."""
    bin_ = _bin()
    map_.mkdir(parents=True, exist_ok=True)
    data, socket = map_ / "data", map_ / "socket"
    socket.mkdir(exist_ok=True)
    if os.geteuid() == 0:  # the folders above `map_` must be passable for `postgres`
        shutil.chown(map_, GEBRUIKER)
        shutil.chown(socket, GEBRUIKER)
    port = free_port()
    _als_postgres(str(bin_ / "initdb"), "-D", str(data), "-U", GEBRUIKER, "-A", "trust")
    opties = f"-p {port} -k {socket} -c listen_addresses=127.0.0.1 -c fsync=off"
    log = map_ / "postgres.log"
    _als_postgres(
        str(bin_ / "pg_ctl"), "-D", str(data), "-o", opties, "-l", str(log), "-w", "start"
    )
    try:
        _als_postgres(str(bin_ / "createdb"), "-h", "127.0.0.1", "-p", str(port), db)
        yield f"postgresql://{GEBRUIKER}@127.0.0.1:{port}/{db}"
    finally:
        _als_postgres(str(bin_ / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
