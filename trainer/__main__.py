"""`python -m trainer` (make trainer): the trainers' web app on http://127.0.0.1:5080.

    TRAINER_WACHTWOORD=... python -m trainer [--host 127.0.0.1] [--port 5080]
                                             [--endpoints endpoints.yml] [--data data]

Refuses to start without TRAINER_WACHTWOORD. Deletes conversations older than
TRAINER_BEWAARDAGEN days (default 90) at the start and then once a day.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from dataclasses import replace
from pathlib import Path

from trainer import retentie
from trainer.instellingen import Instellingen, InstellingFout, lees_instellingen
from trainer.opslag import Opslag, OpslagFout

DAG = 24 * 3600  # seconds between two retention runs
log = logging.getLogger("trainer")


def ruim_op(opslag: Opslag, dagen: int) -> None:
    try:
        weg = retentie.ruim_op(opslag, dagen)
    except Exception:  # the app keeps serving; the next day tries again
        log.exception("opruimen van gesprekken ouder dan %d dagen mislukte", dagen)
        return
    log.info("bewaartermijn %d dagen: %d oude events verwijderd", dagen, weg)


async def dagelijks_opruimen(opslag: Opslag, dagen: int) -> None:
    while True:
        await asyncio.sleep(DAG)
        await asyncio.to_thread(ruim_op, opslag, dagen)


def _argumenten(argv: list[str] | None) -> argparse.Namespace:
    standaard = Instellingen(wachtwoord="", geheim=b"")  # only for the defaults shown in --help
    parser = argparse.ArgumentParser(
        prog="python -m trainer", description="De webapp voor trainers van de verkoopcoach."
    )
    parser.add_argument(
        "--host", default=standaard.host, help="standaard 127.0.0.1 (alleen lokaal)"
    )
    parser.add_argument("--port", type=int, default=standaard.port)
    parser.add_argument("--endpoints", type=Path, default=standaard.endpoints)
    parser.add_argument(
        "--data", type=Path, default=standaard.data, help="de map data/ om te labelen"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    args = _argumenten(argv)
    try:
        basis = lees_instellingen()
    except InstellingFout as fout:
        print(f"Fout: {fout}", file=sys.stderr)
        return 2
    instellingen = replace(
        basis, host=args.host, port=args.port, endpoints=args.endpoints, data=args.data.resolve()
    )
    if not instellingen.endpoints.is_file():
        print(f"Fout: {instellingen.endpoints} bestaat niet (geef --endpoints)", file=sys.stderr)
        return 1
    try:
        opslag = Opslag.uit_endpoints(instellingen.endpoints)
    except OpslagFout as fout:
        print(f"Fout: {fout}", file=sys.stderr)
        return 1

    from trainer import labelen
    from trainer.app import maak_app
    from trainer.training import Training

    if instellingen.host not in ("127.0.0.1", "localhost", "::1"):
        log.warning(
            "de trainersapp luistert op %s: zet er HTTPS voor (TRAINER_HTTPS=1)", instellingen.host
        )
    ruim_op(opslag, instellingen.bewaardagen)
    project = instellingen.project
    training = Training(
        model=project / "models" / "coach.tar.gz",
        rasa_url=instellingen.rasa_url,
        token=instellingen.rasa_token,
        data=instellingen.data,
        domain=project / "domain.yml",
        config=project / "config.yml",
    )
    app = maak_app(instellingen, opslag, training, naam="verkoopcoach_trainer")

    @app.after_server_start
    async def plan_opruimen(app_: object, _loop: object) -> None:
        app.ctx.opruimen = asyncio.create_task(dagelijks_opruimen(opslag, instellingen.bewaardagen))
        # Rasa reads every NLU file once (~30 s); after that a label checks in under a second.
        app.ctx.warm = asyncio.create_task(
            asyncio.to_thread(labelen.controleer, instellingen.data, project / "domain.yml")
        )

    @app.before_server_stop
    async def stop_opruimen(app_: object, _loop: object) -> None:
        app.ctx.opruimen.cancel()

    print(f"De trainersapp draait op http://{instellingen.host}:{instellingen.port}", flush=True)
    app.run(
        host=instellingen.host,
        port=instellingen.port,
        workers=1,
        access_log=False,
        motd=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
