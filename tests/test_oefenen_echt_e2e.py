"""End to end in Telegram (fake transport, real servers): a real customer during practice
(pause, advice, resume; carry on and the answer is scored) and /voortgang with its chart."""

from __future__ import annotations

import pytest
from test_telegram_e2e import druk, fasetitel, typ

from actions.echte_klant import laad_markers
from actions.oefenboek import laad_oefenboek
from actions.voortgang import laad_instellingen
from tests.support.fake_telegram import Opstelling, knoppen, nieuwe_chat

pytestmark = pytest.mark.timeout(300)

OEFENBOEK = laad_oefenboek()
MARKERS = laad_markers()
VOORTGANG = laad_instellingen()


async def test_echte_klant_pauzeren_advies_en_hervatten(coach: Opstelling) -> None:
    chat = nieuwe_chat()
    leeg = await typ(coach, chat, "/voortgang")
    assert leeg["text"] == VOORTGANG.teksten["geen_historie"]
    assert not coach.telegram.gelukt("sendPhoto", chat)

    scenario = OEFENBOEK.scenarios["kinderschoenen"]
    keuze = await typ(coach, chat, "/oefenen")
    await druk(coach, chat, keuze, scenario.knop)
    await typ(coach, chat, scenario.stappen[0].beter)
    stap2 = coach.telegram.teksten(chat)[-1]
    assert scenario.stappen[1].klant in stap2

    # A real customer walks in: the coach asks, it does not score it as an answer.
    vraag = await typ(coach, chat, "er loopt net een klant binnen")
    assert vraag["text"] == MARKERS.teksten["vraag"]
    titels = [t for t, _ in knoppen(vraag)]
    assert titels == [MARKERS.teksten["pauze_knop"], MARKERS.teksten["verder_knop"]]
    voor = len(coach.telegram.berichten(chat))
    await druk(coach, chat, vraag, MARKERS.teksten["pauze_knop"])
    gepauzeerd, advies = coach.telegram.teksten(chat)[voor:]
    assert gepauzeerd == MARKERS.teksten["gepauzeerd"]
    assert fasetitel(advies) == "Contact", "de echte situatie krijgt advies"

    # While paused the coach coaches as usual; /fase knows the real sale.
    assert fasetitel((await typ(coach, chat, "ze zoekt schoenen voor haar zoon"))["text"]) == (
        "Behoefte"
    )

    # /oefenen resumes at step 2, not at the scenario picker.
    voor = len(coach.telegram.berichten(chat))
    await typ(coach, chat, "/oefenen")
    hervat, klant = coach.telegram.teksten(chat)[voor:]
    assert hervat == MARKERS.teksten["hervat"].format(
        titel=scenario.titel, stap=2, totaal=len(scenario.stappen)
    )
    assert scenario.stappen[1].klant in klant

    # A report again, and this time: carry on. The kept message is scored as the answer.
    vraag = await typ(coach, chat, "klant vraagt of het geleverd kan worden")
    assert vraag["text"] == MARKERS.teksten["vraag"]
    voor = len(coach.telegram.berichten(chat))
    await druk(coach, chat, vraag, MARKERS.teksten["verder_knop"])
    oordeel, volgende = coach.telegram.teksten(chat)[voor:]
    assert oordeel.strip() and oordeel != MARKERS.teksten["vraag"]
    assert scenario.stappen[2].klant in volgende, "door naar stap 3: het antwoord telde"

    for stap in scenario.stappen[2:]:
        await typ(coach, chat, stap.beter)
    scorekaart = coach.telegram.teksten(chat)[-1]
    assert "Score:" in scorekaart

    # /voortgang: the text, and in Telegram a chart as a photo.
    tekst = await typ(coach, chat, "/voortgang")
    assert tekst["text"].startswith("📈 Je voortgang (sessies: 1): gemiddeld ")
    fotos = coach.telegram.gelukt("sendPhoto", chat)
    assert len(fotos) == 1
    assert fotos[0].params["caption"] == VOORTGANG.teksten["grafiek"]
    (_, png, _), *_ = fotos[0].bestanden.values()
    assert png.startswith(b"\x89PNG")
