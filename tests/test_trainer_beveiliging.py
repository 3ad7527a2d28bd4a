"""The trainer app's login, session cookie, CSRF token and settings (trainer/beveiliging.py)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from stack.paths import ROOT
from trainer import beveiliging
from trainer.instellingen import InstellingFout, lees_instellingen

GEHEIM = b"x" * 32
WACHTWOORD = "een-lang-wachtwoord"


def test_wachtwoord_alleen_exact_goed() -> None:
    assert beveiliging.wachtwoord_klopt(WACHTWOORD, WACHTWOORD)
    for fout in ("", WACHTWOORD[:-1], WACHTWOORD + " ", WACHTWOORD.upper(), "é" + WACHTWOORD):
        assert not beveiliging.wachtwoord_klopt(fout, WACHTWOORD)


def test_cookie_rondreis() -> None:
    sessie = beveiliging.nieuwe_sessie(ingelogd=True)
    assert beveiliging.lees_cookie(GEHEIM, beveiliging.cookie_waarde(GEHEIM, sessie)) == sessie


def test_vijandig_vervalst_of_verlopen_cookie_geeft_geen_sessie() -> None:
    sessie = beveiliging.nieuwe_sessie(ingelogd=False)
    waarde = beveiliging.cookie_waarde(GEHEIM, sessie)
    nonce, _, tijd, handtekening = waarde.split(".")
    opgewaardeerd = f"{nonce}.1.{tijd}.{handtekening}"  # 'ingelogd' zetten zonder het geheim
    for kapot in (opgewaardeerd, "", "a.b.c", "a.1.x.y", waarde + "0", waarde.replace(".", "..")):
        assert beveiliging.lees_cookie(GEHEIM, kapot) is None
    assert beveiliging.lees_cookie(b"ander geheim", waarde) is None
    later = time.time() + beveiliging.GELDIGHEID + 1
    assert beveiliging.lees_cookie(GEHEIM, waarde, nu=later) is None


def test_vijandig_csrf_token_hoort_bij_een_sessie() -> None:
    a = beveiliging.nieuwe_sessie(ingelogd=True)
    b = beveiliging.nieuwe_sessie(ingelogd=True)
    token = beveiliging.csrf_token(GEHEIM, a)
    assert beveiliging.csrf_klopt(GEHEIM, a, token)
    assert not beveiliging.csrf_klopt(GEHEIM, b, token)
    assert not beveiliging.csrf_klopt(GEHEIM, a, None)
    assert not beveiliging.csrf_klopt(GEHEIM, a, "")
    assert not beveiliging.csrf_klopt(GEHEIM, None, token)


def test_instellingen_zonder_wachtwoord_weigeren() -> None:
    with pytest.raises(InstellingFout, match="TRAINER_WACHTWOORD ontbreekt"):
        lees_instellingen({}, dotenv_path=None)
    with pytest.raises(InstellingFout, match="minstens 12 tekens"):
        lees_instellingen({"TRAINER_WACHTWOORD": "kort"}, dotenv_path=None)
    with pytest.raises(InstellingFout, match="TRAINER_BEWAARDAGEN moet een getal zijn"):
        lees_instellingen(
            {"TRAINER_WACHTWOORD": WACHTWOORD, "TRAINER_BEWAARDAGEN": "negentig"}, dotenv_path=None
        )


def test_instellingen_standaard_lokaal_en_90_dagen() -> None:
    inst = lees_instellingen({"TRAINER_WACHTWOORD": WACHTWOORD}, dotenv_path=None)
    assert (inst.host, inst.bewaardagen) == ("127.0.0.1", 90)
    assert WACHTWOORD not in repr(inst)
    vast = lees_instellingen(
        {"TRAINER_WACHTWOORD": WACHTWOORD, "TRAINER_GEHEIM": "vast-geheim"}, dotenv_path=None
    )
    assert vast.geheim == b"vast-geheim"
    # Without TRAINER_GEHEIM every start signs with a new secret.
    assert lees_instellingen({"TRAINER_WACHTWOORD": WACHTWOORD}, dotenv_path=None).geheim != (
        inst.geheim
    )


def test_vijandig_app_start_niet_zonder_wachtwoord(tmp_path) -> None:
    # Empty counts as missing, and wins over a TRAINER_WACHTWOORD in the developer's .env.
    omgeving = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TRAINER_WACHTWOORD": " "}
    klaar = subprocess.run(
        [sys.executable, "-m", "trainer"],
        cwd=tmp_path,
        env={**omgeving, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert klaar.returncode == 2
    assert "TRAINER_WACHTWOORD ontbreekt" in klaar.stderr
