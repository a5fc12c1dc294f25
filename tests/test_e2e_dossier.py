"""A whole dossier, from /start to the Secretariat's card, in French, English and Arabic."""

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import Attachment, Dossier, StatusChange
from tests.driver import Applicant, find
from tests.harness import SECRETARIAT, RunningBot
from tests.standin import BotAPIStandIn


async def wait_for_card(api: BotAPIStandIn) -> dict:
    for _ in range(100):
        if api.messages(SECRETARIAT):
            return api.messages(SECRETARIAT)[-1]
        await asyncio.sleep(0.05)
    raise AssertionError("no card reached the Secretariat's chat")


@pytest.mark.parametrize(
    ("language", "submitted_word"),
    [
        ("fr", "référence"),
        ("en", "reference"),
        ("ar", "مرجع"),
    ],
)
async def test_a_full_dossier_reaches_the_secretariat(
    running: RunningBot, language: str, submitted_word: str
) -> None:
    applicant = Applicant(running.user(500, language_code=language), language, partners=1)
    await applicant.register()
    visited = await applicant.fill()
    assert visited[0] == "city" and "att_letters" in visited
    review = applicant.last
    assert "✅" in review["text"]
    await applicant.press("m", "submit")
    reply = await applicant.user.press_data(applicant.last, find(applicant.last, "m", "submit_ok"))
    text = reply[-1]["text"]
    assert submitted_word in text.lower() and "FC-" in text
    card = await wait_for_card(running.api)
    assert "FC-" in card["text"] and "Éclairage solaire de la Médina" in card["text"]
    assert "Nouveau dossier" in card["text"]  # the Secretariat reads French, whoever sends
    async with running.sessions() as session:
        dossier = await session.scalar(select(Dossier))
        assert dossier.status == "submitted" and dossier.reference in text
        files = list(await session.scalars(select(Attachment)))
        assert {f.slot.split(":")[0] for f in files} == {
            "att_resolution",
            "att_technical",
            "att_letters",
        }
        assert all(Path(f.path).read_bytes().startswith(b"%PDF") for f in files)
        change = await session.scalar(select(StatusChange))
        assert (change.from_status, change.to_status) == ("draft", "submitted")
