"""No message too long to arrive (issue 14 §3), in-process against the stand-in, which refuses
what Telegram refuses (4,096 characters after parsing, in UTF-16 units): an emergency whose
answers are as long as a person can type reaches the Secretariat's and the commission's chats
and, escalated, the Presidency's; acknowledged, its shortened card is edited in place."""

from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from storage import outbox
from storage.models import Dossier
from storage.types import utcnow
from tests.conftest import check_clean
from tests.harness import SECRETARIAT, InProcessBot
from tests.seeds import official
from tests.standin import BotAPIStandIn
from tests.standin.formatting import utf16_len

COMMISSION, PRESIDENCY = -1009876543210, -1005555555555
COMMISSION_GROUP = {"id": COMMISSION, "type": "supergroup", "title": "Commission"}
TYPED = 4096  # one Telegram message: what a person can type at once (UTF-16 units)


def longest(maximum: int, pattern: str) -> str:
    """The longest answer a person can give: `maximum` characters (the question's limit, in
    code points as the bot counts them) and one message (4,096 UTF-16 units)."""
    out: list[str] = []
    size = 0
    while True:
        for ch in pattern:
            if len(out) + 1 > maximum or size + utf16_len(ch) > TYPED:
                return "".join(out)
            out.append(ch)
            size += utf16_len(ch)


async def started(tmp_path: Path, **settings: Any) -> InProcessBot:
    api = BotAPIStandIn()
    for chat, title in ((SECRETARIAT, "SP"), (COMMISSION, "Commission"), (PRESIDENCY, "P")):
        api.add_group(chat, title)
    settings = {
        "commission_chat_id": COMMISSION,
        "presidency_chat_id": PRESIDENCY,
        "escalation_minutes": Decimal("0.01"),
        "escalation_rounds": 1,
        **settings,
    }
    bot = InProcessBot(api, tmp_path, None, **settings)
    await bot.start()
    return bot


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[InProcessBot]:
    under_test = await started(tmp_path)
    yield under_test
    await under_test.close()
    check_clean(under_test.api)


def with_button(user: Any, reply: list[dict], label: str) -> dict:
    (found,) = [m for m in reply if label in user.buttons(m)]
    return found


def alerts(api: BotAPIStandIn, chat: int, reference: str) -> list[dict]:
    return [m for m in api.messages(chat) if reference in m.get("text", "")]


async def test_an_emergency_with_the_longest_answers_reaches_every_chat(bot: InProcessBot) -> None:
    api = bot.api
    await official(bot.sessions, 701, "fr", "Awa Rasoa")
    city = bot.user(701, "fr")
    place = longest(300, "Quartiers Nord & <Tanambao> ")
    description = longest(3000, "🌊🌊🌊🌊🌊 ماء & ")  # emoji count two units, Arabic one
    assert utf16_len(description) > 4000 and len(description) <= 3000
    screen = (await city.send("/emergency"))[-1]
    screen = (await city.press(screen, "Inondation"))[-1]
    screen = (await city.press(screen, "Aujourd’hui"))[-1]
    screen = with_button(city, await city.send(place), "Passer ⏭")
    screen = (await city.press(screen, "Passer ⏭"))[-1]
    await city.send(description)
    screen = (await city.send("1200"))[-1]
    async with bot.sessions() as session:  # the rest of the form, at its longest too
        draft = await session.scalar(select(Dossier).where(Dossier.form == "emergency"))
        draft.answers = {
            **draft.answers,
            "needs_other": longest(500, "Bâches, 🚰 eau potable & médicaments. "),
            "services": ["water", "power", "health", "schools", "markets", "archives", "roads"],
            "needs": ["shelter", "water", "food", "health", "power", "clearing", "archives"],
            "deaths": 1_000_000_000, "injured": 1_000_000_000, "displaced": 1_000_000_000,
        }  # fmt: skip
        await session.commit()
    sent = (await city.press(screen, "🚨 Envoyer maintenant"))[-1]
    reference = sent["text"].split("référence est ")[1].split(".")[0]

    await bot.drain_outbox()
    for chat in (SECRETARIAT, COMMISSION):
        card = alerts(api, chat, reference)[0]
        assert card["text"].startswith("🚨") and card["text"].endswith("✂️ 1/2")
        assert "✅ Prendre en compte" in city.buttons(card)  # the card keeps its buttons
        assert "Envoyé par Awa Rasoa" in card["text"]  # the short lines all stay
        (more,) = [m for m in api.messages(chat) if m.get("text", "").startswith("✂️ 2/2")]
        assert more["reply_to_message"]["message_id"] == card["message_id"]
    async with bot.sessions() as session:
        assert not [m for m in await outbox.failed(session)]

    # Nobody acknowledges: the escalation reaches the Presidency, whole, in two messages.
    bot.now = utcnow() + timedelta(minutes=1)
    await bot.app.scheduler.run_once(bot.now)
    await bot.drain_outbox()
    shown = [m["text"] for m in api.messages(PRESIDENCY)]
    assert shown[0].startswith("⏰") and reference in shown[0] and shown[1].startswith("✂️ 2/2")

    # Acknowledged: the card is edited; too long for one message, it is shortened there, with
    # where the whole report is.
    await bot.add_staff(900, "commission", "fr", "Marie Dupont")
    member = bot.user(900, "fr", group=COMMISSION_GROUP)
    await member.press(alerts(api, COMMISSION, reference)[-1], "✅ Prendre en compte", expect=0)
    await bot.drain_outbox()
    latest = alerts(api, SECRETARIAT, reference)[-1]["text"]
    assert "Pris en compte par Marie Dupont" in latest
    assert latest.endswith(f"/emergencies {reference}")
    whole = await member.send(f"/emergencies {reference}")
    assert "".join(m["text"] for m in whole).count("🌊") == description.count("🌊")
    async with bot.sessions() as session:
        assert not [m for m in await outbox.failed(session)]
    assert not api.errors
