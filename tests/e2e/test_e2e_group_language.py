"""A shared chat reads its own language (SECRETARIAT_LANGUAGE), whoever acts in it; what only the
presser needs (the whole dossier a button opens, a popup) reaches them alone, in theirs."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import Account, Project
from testkit.decided_kit import in_status
from testkit.harness import SECRETARIAT, SECRETARIAT_GROUP, InProcessBot
from testkit.seeds import ADMIN, OTHER_CITY, submitted
from testkit.seeds import SECRETARIAT as STAFF_ID
from testkit.standin import BotAPIStandIn

CARD = {"message_id": 1, "date": 1, "chat": SECRETARIAT_GROUP, "text": "📥 card"}


async def english_group(tmp_path: Path, language: str = "en") -> InProcessBot:
    api = BotAPIStandIn()
    api.add_group(SECRETARIAT, "Permanent Secretariat")
    bot = InProcessBot(api, tmp_path, None, secretariat_language=language)
    await bot.start()
    return bot


async def test_the_group_reads_english_the_french_presser_reads_french_privately(
    tmp_path: Path,
) -> None:
    bot = await english_group(tmp_path)
    api = bot.api
    try:
        dossier_id, reference = await submitted(bot)  # staff who read French
        staff = bot.user(STAFF_ID, "fr", group=SECRETARIAT_GROUP)

        # "📂 Open" in the group: the whole dossier goes to the presser, in French; the group
        # gets nothing.
        opened = await staff.press_data(CARD, f"s:open:{dossier_id}:", expect=0)
        assert opened.sent == []
        (view,) = [m for m in api.messages(STAFF_ID) if "📂 Dossier" in m["text"]]
        assert f"📂 Dossier {reference}" in view["text"] and "Statut : Soumis" in view["text"]
        assert "🔎 Commencer l’examen" in staff.buttons(view)

        # A move taken in the group: its short answer is the group's, in English.
        moved = await staff.press_data(CARD, f"s:mv:{dossier_id}:review")
        assert moved.texts == [f"✔ {reference}: In review"]

        # Her words filter the queue in her language or the group's; the list is the group's.
        for words in ("en cours", "in review"):
            queue = await staff.send(f"/queue {words}")
            assert reference in queue.texts[0] and "In review" in queue.texts[0]

        # A note's prompt is posted in the group: English too, with the city's language named.
        asked = await staff.press_data(CARD, f"s:mv:{dossier_id}:changes")
        assert asked.texts[-1].startswith(f"What must change in {reference}?")
        await staff.send("/cancel")

        # A stale button: the short line in the group (English), the dossier as it is now to
        # the presser privately (French).
        before = len(api.messages(STAFF_ID))
        stale = await staff.press_data(CARD, f"s:mv:{dossier_id}:review", expect=0)
        assert [m["chat"]["id"] for m in stale.sent] == [SECRETARIAT]
        assert stale.texts[0] == f"This is no longer possible: {reference} is now “In review”."
        (now,) = api.messages(STAFF_ID)[before:]
        assert "Statut : En cours d’examen" in now["text"]

        # Someone without the right: the popup only they see is in their language (French).
        intruder = bot.user(OTHER_CITY, "fr", group=SECRETARIAT_GROUP)
        refused = await intruder.press_data(CARD, f"s:open:{dossier_id}:", expect=0)
        answer = api.callback_answer(refused.callback_query_id)
        assert answer["show_alert"] is True and answer["text"].startswith("Désolé")
        assert refused.sent == []
    finally:
        await bot.close()
    assert not api.errors, [(c.method, c.description) for c in api.errors]


async def test_a_presser_who_never_started_the_bot_gets_one_short_line_in_the_group(
    tmp_path: Path,
) -> None:
    bot = await english_group(tmp_path)
    api = bot.api
    try:
        dossier_id, reference = await submitted(bot)
        api.block(ADMIN)  # Telegram lets no bot write first to someone who never started it
        admin = bot.user(ADMIN, "fr", first_name="Staff", group=SECRETARIAT_GROUP)
        opened = await admin.press_data(CARD, f"s:open:{dossier_id}:")
        (line,) = opened.texts
        assert line.startswith(f"Staff {ADMIN}, I cannot write to you privately yet")
        assert "https://t.me/" in line and reference not in line  # short: not the dossier
        assert [c.status for c in api.errors] == [403]
    finally:
        await bot.close()


async def test_a_project_opened_in_the_group_goes_to_the_presser_in_her_language(
    tmp_path: Path,
) -> None:
    bot = await english_group(tmp_path)
    api = bot.api
    try:
        await in_status(bot, "scheduled", session_day=date(2027, 4, 28))
        staff = bot.user(STAFF_ID, "fr", group=SECRETARIAT_GROUP)
        opened = (await staff.send("/dossier FC-2026-0042"))[-1]  # typed: answered in the group
        assert opened["chat"]["id"] == SECRETARIAT and "Status:" in opened["text"]
        await staff.press(opened, "🏅 Approved by the Bureau")
        shown = await staff.send("700000", expect=2)
        await staff.press(shown[-1], "📤 Send")
        await bot.drain_outbox()
        async with bot.sessions() as session:
            project_id = await session.scalar(select(Project.dossier_id))
        before = len(api.messages(STAFF_ID))
        pressed = await staff.press_data(CARD, f"g:p:show:{project_id}:", expect=0)
        assert pressed.sent == []
        (view,) = api.messages(STAFF_ID)[before:]
        assert "FC-2026-0042" in view["text"] and "700\u202f000\xa0€" in view["text"]
    finally:
        await bot.close()
    assert not api.errors, [(c.method, c.description) for c in api.errors]


@pytest.mark.parametrize(
    ("chat", "presser", "status", "moved"),
    [
        ("en", "ar", "مُقدَّم", "✔ FC-2026-0042: In review"),
        ("fr", "en", "Submitted", "✔ FC-2026-0042 : En cours d’examen"),
        ("ar", "fr", "Soumis", "✔ FC-2026-0042: قيد الدراسة"),
    ],
)
async def test_each_language_pair(
    tmp_path: Path, chat: str, presser: str, status: str, moved: str
) -> None:
    """The group's short answers in the group's language, the opened dossier in the presser's."""
    bot = await english_group(tmp_path, chat)
    api = bot.api
    try:
        dossier_id, _reference = await submitted(bot)
        async with bot.sessions() as session:
            (await session.get(Account, STAFF_ID)).language = presser
            await session.commit()
        staff = bot.user(STAFF_ID, presser, group=SECRETARIAT_GROUP)
        await staff.press_data(CARD, f"s:open:{dossier_id}:", expect=0)
        (view,) = api.messages(STAFF_ID)
        assert status in view["text"]
        assert (await staff.press_data(CARD, f"s:mv:{dossier_id}:review")).texts == [moved]
    finally:
        await bot.close()
    assert not api.errors, [(c.method, c.description) for c in api.errors]
