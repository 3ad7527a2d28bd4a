"""Shared fixtures: one real Rasa + action server per test session, and a bot harness.

The servers run on free ports with their own endpoints file (action endpoint
on that port, SQLite tracker store in a temporary folder), so a coach that is
already running on 5005/5055 does not get in the way.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.rasa_client import RasaClient
from stack import launcher as stackmodule
from tests.support.fake_telegram import Opstelling, draaiende_bot, instellingen

# & # + : the token must survive every URL it travels in (issue 11).
RASA_TEST_TOKEN = "rasa&test#token+plus"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test on the real servers is `e2e`: `pytest -m "not e2e"` skips the 30 s start.
    for item in items:
        if "coach_stack" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def coach_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[stackmodule.Stack]:
    if not stackmodule.MODEL.is_file():
        pytest.fail("models/coach.tar.gz ontbreekt: train eerst met `make train`", pytrace=False)
    map_ = tmp_path_factory.mktemp("stack")
    try:
        with stackmodule.losse_stack(
            map_, auth_token=RASA_TEST_TOKEN, melding=lambda _: None
        ) as stack:
            yield stack
    except stackmodule.StackFout as exc:
        pytest.fail(f"de coach-servers starten niet: {exc}", pytrace=False)


@pytest.fixture
async def coach(coach_stack: stackmodule.Stack) -> AsyncIterator[Opstelling]:
    """The bot against the real Rasa and action servers."""
    # Generous timeout: two cores, and Rasa's first prediction warms up TensorFlow.
    rasa = RasaClient(coach_stack.rasa_url, RASA_TEST_TOKEN, timeout=30)
    async with draaiende_bot(instellingen(rasa_url=coach_stack.rasa_url), rasa) as opstelling:
        yield opstelling
    # The fake answers like Telegram: too long a text or callback_data is a 400.
    afgewezen = [a for a in opstelling.telegram.aanroepen if a.fout == "400"]
    assert not afgewezen, f"Telegram zou deze aanroepen weigeren: {afgewezen}"


@pytest.fixture(autouse=True)
def root_logger_terug() -> Iterator[None]:
    """Each test leaves the root logger as it found it.

    An in-process `python -m bot` or stack start installs a handler with the token
    filter (bot/logs.py); left behind, its secrets would mask text in every later test.
    """
    root = logging.getLogger()
    handlers, niveau = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(niveau)
