"""A shared chat reads its own language (SECRETARIAT_LANGUAGE), whoever acts in it; what only the
presser needs (the whole dossier a button opens, a popup) reaches them alone, in theirs."""

from pathlib import Path

from testkit.harness import SECRETARIAT, SECRETARIAT_GROUP, InProcessBot
from testkit.seeds import ADMIN, OTHER_CITY, submitted
from testkit.seeds import SECRETARIAT as STAFF_ID
from testkit.standin import BotAPIStandIn

CARD = {"message_id": 1, "date": 1, "chat": SECRETARIAT_GROUP, "text": "📥 card"}


async def english_group(tmp_path: Path) -> InProcessBot:
    api = BotAPIStandIn()
    api.add_group(SECRETARIAT, "Permanent Secretariat")
    bot = InProcessBot(api, tmp_path, None, secretariat_language="en")
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
