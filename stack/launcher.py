"""Start the action server and the Rasa server, then chat (terminal or Telegram).

    python -m stack shell   terminal chat
    python -m stack run     Telegram when TELEGRAM_BOT_TOKEN is set, else terminal chat

Each server runs in its own process group, so stopping it also stops anything
it spawned; on Linux a server also gets SIGTERM when this process dies. Both
listen on 127.0.0.1 only. Rasa's HTTP API always has a token: RASA_TOKEN, or a
new one for each start, given to Rasa in its environment (never in argv, which
`ps` shows to everyone). After start-up `main` watches the servers and restarts
one that dies (stack/bewaking.py). Each start keeps the logs of the previous
BEWAAR_LOGS starts (rasa.log.1, ...). The start/stop functions are reused by the
tests (tests/conftest.py) and the benchmark (bench/).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from bot.settings import BOTFATHER_UITLEG, ROOT, ConfigError, Settings, load_settings
from rasa_ext import server as rasa_server
from rasa_ext.endpoints import STRIKTE_SQL
from rasa_ext.modelbestand import ModelFout
from rasa_ext.modelbestand import controleer as controleer_model
from rasa_ext.plugin import TOKEN_VARIABELE
from stack.bewaking import Bewaking
from stack.process import sterf_met_ouder

MODEL = ROOT / "models" / "coach.tar.gz"
ENDPOINTS = ROOT / "endpoints.yml"
CREDENTIALS = ROOT / "credentials.yml"
LOGMAP = ROOT / "var" / "logs"
RASA_PORT = 5005
ACTIE_PORT = 5055  # must match endpoints.yml
OPSTART_TIMEOUT = 180.0  # seconds; Rasa needs 20-40 s on a small machine
STOP_TIMEOUT = 10.0
BEWAAR_LOGS = 5  # earlier starts' logs kept next to each log
LOOPBACK = rasa_server.LOOPBACK
# Durable as in production: every write in an append-only file, fsync'ed each second.
REDIS_OPTIES = ["--save", "", "--appendonly", "yes", "--appendfsync", "everysec"]

# Rasa and TensorFlow are chatty and Rasa phones home unless told not to.
STILLE_OMGEVING = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "RASA_TELEMETRY_ENABLED": "false",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONUNBUFFERED": "1",
}


class StackFout(Exception):
    """A server could not start; str() is one line for the user."""


def _melding(tekst: str) -> None:
    print(tekst, file=sys.stderr, flush=True)


@dataclass
class Server:
    naam: str
    proces: subprocess.Popen[bytes]
    gezondheid_url: str
    log: Path
    port: int = 0
    workers: int = 1  # processes that each listen on `port` (rasa_ext.server)
    cmd: list[str] = field(default_factory=list)
    omgeving: dict[str, str] = field(default_factory=dict, repr=False)  # may hold the token

    def herstart(self) -> Server:
        """The same server started anew (the supervisor's restart)."""
        nieuw = start_server(
            self.naam, self.cmd, self.port, self.gezondheid_url, self.log, self.omgeving
        )
        nieuw.workers = self.workers
        return nieuw

    def leeft(self) -> bool:
        return self.proces.poll() is None

    def klaar(self, client: httpx.Client) -> bool:
        try:
            if client.get(self.gezondheid_url).status_code != 200:
                return False
        except httpx.HTTPError:
            return False
        # The first worker answers the health URL; the others may still load the model.
        return self.workers == 1 or luisteraars(self.port) >= self.workers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports(aantal: int) -> list[int]:
    """`aantal` different free ports on 127.0.0.1."""
    ports: list[int] = []
    while len(ports) < aantal:
        if (port := free_port()) not in ports:
            ports.append(port)
    return ports


def _luisterend(families: tuple[str, ...] = ("tcp", "tcp6")) -> Iterator[tuple[str, int]]:
    """(address, port) of every listening TCP socket, from /proc/net/tcp and tcp6."""
    for bestand in families:
        try:
            regels = Path(f"/proc/net/{bestand}").read_text().splitlines()[1:]
        except OSError:
            continue
        # Fields: sl local_address rem_address st ...; st 0A is LISTEN.
        for velden in (regel.split() for regel in regels):
            adres, port = velden[1].rsplit(":", 1)
            if velden[3] == "0A":
                yield _adres(bytes.fromhex(adres)), int(port, 16)


def luisteraars(port: int) -> int:
    """Sockets listening on TCP `port` (IPv4): one per Rasa worker with SO_REUSEPORT."""
    return sum(p == port for _, p in _luisterend(("tcp",)))


def luister_adressen(port: int) -> set[str]:
    """The addresses with a socket listening on TCP `port`, IPv4 and IPv6."""
    return {adres for adres, p in _luisterend() if p == port}


def _adres(ruw: bytes) -> str:
    # The kernel prints each 32-bit word in host order (little-endian here).
    woorden = b"".join(ruw[i : i + 4][::-1] for i in range(0, len(ruw), 4))
    return socket.inet_ntop(socket.AF_INET if len(ruw) == 4 else socket.AF_INET6, woorden)


def port_free(port: int) -> bool:
    with socket.socket() as s:
        # SO_REUSEADDR: a port in TIME_WAIT is free; one with a listener is not.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True


def _omgeving() -> dict[str, str]:
    env = {**STILLE_OMGEVING, **os.environ}
    # The servers have no business with the bot's token; Rasa gets its own explicitly.
    for geheim in ("TELEGRAM_BOT_TOKEN", TOKEN_VARIABELE):
        env.pop(geheim, None)
    return env


def roteer(log: Path, bewaar: int = BEWAAR_LOGS) -> None:
    """log -> log.1 -> ... -> log.<bewaar>: a new start never wipes what the last one said."""
    for n in range(bewaar - 1, 0, -1):
        ouder = log.with_name(f"{log.name}.{n}")
        if ouder.exists():
            ouder.replace(log.with_name(f"{log.name}.{n + 1}"))
    if log.exists():
        log.replace(log.with_name(f"{log.name}.1"))


def start_server(
    naam: str,
    cmd: list[str],
    port: int,
    gezondheid_url: str,
    log: Path,
    omgeving: dict[str, str] | None = None,
) -> Server:
    if not port_free(port):
        raise StackFout(
            f"poort {port} voor de {naam} is al in gebruik: draait de coach al? Stop die eerst."
        )
    log.parent.mkdir(parents=True, exist_ok=True)
    roteer(log)
    with open(log, "wb") as uitvoer:
        proces = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env={**_omgeving(), **(omgeving or {})},
            stdin=subprocess.DEVNULL,
            stdout=uitvoer,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: Ctrl-C reaches us, not them
            preexec_fn=sterf_met_ouder if sys.platform == "linux" else None,
        )
    return Server(naam, proces, gezondheid_url, log, port, cmd=cmd, omgeving=omgeving or {})


def start_actieserver(port: int = ACTIE_PORT, log: Path = LOGMAP / "actions.log") -> Server:
    cmd = [sys.executable, "-m", "rasa", "run", "actions", "--actions", "actions"]
    cmd += ["--port", str(port)]
    url = f"http://127.0.0.1:{port}/health"
    # rasa-sdk 3.6 has no --interface: it binds SANIC_HOST, or every interface.
    return start_server("actieserver", cmd, port, url, log, {"SANIC_HOST": LOOPBACK})


def nieuw_token() -> str:
    return secrets.token_urlsafe(32)


def start_rasa(
    port: int = RASA_PORT,
    log: Path = LOGMAP / "rasa.log",
    *,
    model: Path = MODEL,
    endpoints: Path = ENDPOINTS,
    credentials: Path = CREDENTIALS,
    auth_token: str | None = None,
    workers: int | None = None,
) -> Server:
    """`workers` sets SANIC_WORKERS; by default it comes from the environment (1 if unset).

    Without `auth_token` the API gets a new token (read it from Server.omgeving).
    """
    try:
        controleer_model(model)  # seconds, instead of Rasa's slow and misleading failure
        aantal, _ = rasa_server.kies_workers(workers or rasa_server.aantal_workers(), endpoints)
    except (ModelFout, rasa_server.StartFout) as exc:
        raise StackFout(str(exc)) from None
    # rasa_ext.server is `rasa run` without per-message costs that buy nothing.
    cmd = [sys.executable, "-m", "rasa_ext.server", "run", "--enable-api", "--model", str(model)]
    cmd += ["--port", str(port), "--endpoints", str(endpoints)]
    cmd += ["--credentials", str(credentials), "--interface", LOOPBACK]
    token = auth_token or nieuw_token()
    url = f"http://127.0.0.1:{port}/status?{urlencode({'token': token})}"
    omgeving = {TOKEN_VARIABELE: token} | ({"SANIC_WORKERS": str(workers)} if workers else {})
    server = start_server("Rasa-server", cmd, port, url, log, omgeving)
    server.workers = aantal
    return server


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def laatste_regel(log: Path) -> str:
    """The line of `log` that says best why a server stopped: our Dutch one, else an error."""
    try:
        tekst = ANSI.sub("", log.read_text(errors="replace"))
    except OSError:
        return ""
    regels = [r.strip() for r in tekst.splitlines() if r.strip()]
    eigen = [r for r in regels if "Fout: " in r]  # rasa_ext's StartFout, OpslagFout, ...
    fouten = [r for r in regels if "Error" in r or "Exception" in r]
    regel = (eigen or fouten or regels or [""])[-1]
    return regel[:400]


def wacht_op_gezond(servers: list[Server], timeout: float = OPSTART_TIMEOUT) -> None:
    """Wait until every server answers its health URL; StackFout if one dies or is too slow."""
    wachtend = list(servers)
    einde = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while wachtend:
            for server in list(wachtend):
                if not server.leeft():
                    regel = laatste_regel(server.log)
                    raise StackFout(
                        f"de {server.naam} is gestopt tijdens het opstarten "
                        f"(exitcode {server.proces.returncode}): {regel} (log: {server.log})"
                    )
                if server.klaar(client):
                    wachtend.remove(server)
            if wachtend and time.monotonic() > einde:
                namen = " en ".join(s.naam for s in wachtend)
                raise StackFout(
                    f"de {namen} is na {timeout:.0f} s nog niet klaar "
                    f"(log: {', '.join(str(s.log) for s in wachtend)})"
                )
            if wachtend:
                time.sleep(0.5)


def stop_server(server: Server, timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM to the whole process group, SIGKILL if it lingers."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(server.proces.pid, sig)
        except ProcessLookupError:
            break  # the group is gone already
        try:
            server.proces.wait(timeout)
        except subprocess.TimeoutExpired:
            continue
        # The leader is gone; make sure nothing else of the group stays behind.
        with suppress(ProcessLookupError):
            os.killpg(server.proces.pid, signal.SIGKILL)
        break
    server.proces.wait()


def stop_alle(servers: list[Server]) -> None:
    """Stop in reverse start order, immune to a second Ctrl-C meanwhile."""
    # Signal handlers can only be changed from the main thread.
    hoofd = threading.current_thread() is threading.main_thread()
    signalen = (signal.SIGINT, signal.SIGTERM) if hoofd else ()
    oud = {s: signal.signal(s, signal.SIG_IGN) for s in signalen}
    try:
        for server in reversed(servers):
            stop_server(server)
    finally:
        for s, handler in oud.items():
            signal.signal(s, handler)


def schrijf_endpoints(
    pad: Path, actie_port: int, tracker_db: Path, *, redis_port: int | None = None
) -> Path:
    """An endpoints file like endpoints.yml, for another action port and tracker database.

    With `redis_port` the conversations and their locks live in Redis on
    127.0.0.1 instead: the serving set-up of docs/serving.md.
    """
    if redis_port is None:
        soort = f"  type: {STRIKTE_SQL}\n"  # as endpoints.yml: refuses a store it cannot write
        opslag = f'tracker_store:\n{soort}  dialect: "sqlite"\n  db: "{tracker_db}"\n'
    else:
        redis = f"  type: redis\n  url: 127.0.0.1\n  port: {redis_port}\n"
        opslag = f"tracker_store:\n{redis}lock_store:\n{redis}"
    pad.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actie_port}/webhook"\n{opslag}')
    return pad


@dataclass
class Stack:
    """A running action server + Rasa server."""

    rasa_port: int
    actie_port: int
    auth_token: str  # of Rasa's HTTP API
    logmap: Path
    servers: list[Server] = field(default_factory=list)
    bewaking: Bewaking | None = None

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def server(self, naam: str) -> Server:
        return next(s for s in self.servers if s.naam == naam)

    def stop_actieserver(self) -> None:
        stop_server(self.server("actieserver"))

    def start_actieserver(self, timeout: float = OPSTART_TIMEOUT) -> None:
        """(Re)start the action server, e.g. after a test stopped it."""
        oud = self.server("actieserver")
        if oud.leeft():
            return
        nieuw = start_actieserver(self.actie_port, self.logmap / "actions.log")
        self.servers[self.servers.index(oud)] = nieuw
        wacht_op_gezond([nieuw], timeout)

    def dode_servers(self) -> list[Server]:
        return [s for s in self.servers if not s.leeft()]


@contextmanager
def coach_stack(
    *,
    rasa_port: int = RASA_PORT,
    actie_port: int = ACTIE_PORT,
    endpoints: Path = ENDPOINTS,
    model: Path = MODEL,
    logmap: Path = LOGMAP,
    auth_token: str | None = None,
    timeout: float = OPSTART_TIMEOUT,
    melding: Callable[[str], None] = _melding,
    rasa_workers: int | None = None,
    bij_opgeven: Callable[[], None] | None = None,
    bewaking: dict[str, Any] | None = None,
) -> Iterator[Stack]:
    """Start both servers, wait until healthy, and always stop them afterwards.

    Without `auth_token` Rasa's API gets a new one (Stack.auth_token). With
    `bij_opgeven` the servers are watched after start-up (stack/bewaking.py):
    restarted when they die, and `bij_opgeven` is called when that keeps
    failing; `bewaking` overrides its pauses and limits (the tests).
    """
    stack = Stack(rasa_port, actie_port, auth_token or nieuw_token(), logmap)
    try:
        melding("De coach start: actieserver en Rasa-server (dat duurt 20 tot 40 seconden)...")
        stack.servers.append(start_actieserver(actie_port, logmap / "actions.log"))
        stack.servers.append(
            start_rasa(
                rasa_port,
                logmap / "rasa.log",
                model=model,
                endpoints=endpoints,
                auth_token=stack.auth_token,
                workers=rasa_workers,
            )
        )
        wacht_op_gezond(stack.servers, timeout)
        if bij_opgeven is not None:
            stack.bewaking = Bewaking(stack.servers, melding, bij_opgeven, **(bewaking or {}))
            stack.bewaking.start()
        melding("De coach is klaar.")
        yield stack
    finally:
        if stack.bewaking is not None:
            stack.bewaking.stop()
        stop_alle(stack.servers)


@contextmanager
def redis_server(port: int, map_: Path) -> Iterator[Server]:
    """An empty Redis on 127.0.0.1:`port` with its data in `map_`/redis, stopped afterwards."""
    if shutil.which("redis-server") is None:
        raise StackFout("redis-server ontbreekt: `make bench` installeert het")
    shutil.rmtree(data := map_ / "redis", ignore_errors=True)
    data.mkdir(parents=True)
    cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data)]
    server = start_server("Redis", cmd + REDIS_OPTIES, port, "", map_ / "redis.log")
    try:
        einde = time.monotonic() + 30
        while time.monotonic() < einde and server.leeft():
            with (
                suppress(OSError),
                socket.create_connection(("127.0.0.1", port), 1.0) as verbinding,
            ):
                verbinding.sendall(b"PING\r\n")
                if verbinding.recv(16).startswith(b"+PONG"):
                    break
            time.sleep(0.2)
        else:
            raise StackFout(f"Redis start niet (log: {server.log})")
        yield server
    finally:
        stop_server(server)


@contextmanager
def losse_stack(map_: Path, *, redis: bool = False, **opties: Any) -> Iterator[Stack]:
    """Both servers on free ports with their own endpoints file in `map_`, so a coach on
    5005/5055 is left alone; the conversations in SQLite there, or with `redis` in an empty
    Redis of their own (the serving set-up of docs/serving.md). `opties` go to coach_stack."""
    actie_port, rasa_port, redis_port = free_ports(3)
    map_.mkdir(parents=True, exist_ok=True)
    with redis_server(redis_port, map_) if redis else nullcontext():
        endpoints = schrijf_endpoints(
            map_ / "endpoints.yml",
            actie_port,
            map_ / "tracker.db",
            redis_port=redis_port if redis else None,
        )
        with coach_stack(
            rasa_port=rasa_port, actie_port=actie_port, endpoints=endpoints, logmap=map_, **opties
        ) as stack:
            yield stack


def sigterm_als_ctrl_c(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # so every finally-block runs and the servers are stopped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start de verkoopcoach met Rasa en actieserver.")
    parser.add_argument("modus", choices=["shell", "run"])
    parser.add_argument("--rasa-port", type=int, default=RASA_PORT)
    parser.add_argument("--actie-port", type=int, default=ACTIE_PORT)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, sigterm_als_ctrl_c)

    try:
        settings = load_settings(token_nodig=False)
    except ConfigError as exc:
        print(f"Fout in de instellingen: {exc}", file=sys.stderr)
        return 2
    telegram = args.modus == "run" and settings.telegram_token is not None
    if args.modus == "run" and not telegram:
        _melding(f"Geen TELEGRAM_BOT_TOKEN: de coach start in de terminal. {BOTFATHER_UITLEG}")

    endpoints = ENDPOINTS
    if args.actie_port != ACTIE_PORT:
        (ROOT / "var").mkdir(exist_ok=True)
        endpoints = schrijf_endpoints(
            Path(tempfile.mkdtemp(prefix="endpoints-", dir=ROOT / "var")) / "endpoints.yml",
            args.actie_port,
            ROOT / "var" / "tracker.db",
        )
    gestart: Stack | None = None
    try:
        with coach_stack(
            rasa_port=args.rasa_port,
            actie_port=args.actie_port,
            endpoints=endpoints,
            auth_token=settings.rasa_token,
            bij_opgeven=lambda: os.kill(os.getpid(), signal.SIGTERM),  # ends the chat below
        ) as gestart:
            code = _chat(settings, gestart, telegram)
    except StackFout as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        code = 130
    if gestart is not None and gestart.bewaking is not None and gestart.bewaking.opgegeven:
        return 1  # a service manager restarts the whole stack (docs/serving.md)
    return code


def _chat(settings: Settings, stack: Stack, telegram: bool) -> int:
    """The bot or the terminal chat against the running servers, with their token."""
    lokaal = replace(settings, rasa_url=stack.rasa_url, rasa_token=stack.auth_token)
    from bot.logs import setup_logging

    if telegram:
        from bot.app import run_telegram

        setup_logging(lokaal.log_level, lokaal.geheimen())
        return run_telegram(lokaal)
    from bot.rasa_client import RasaClient
    from bot.terminal import chat

    setup_logging("ERROR", lokaal.geheimen())  # the chat itself says when the coach is unreachable
    return chat(RasaClient(lokaal.rasa_url, lokaal.rasa_token, lokaal.rasa_timeout))


if __name__ == "__main__":
    sys.exit(main())
