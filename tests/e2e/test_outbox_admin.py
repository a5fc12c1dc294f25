"""/outbox for admins: counts, failures with their error, unreachable chats, a retry button that
is re-checked on the server; anyone else is politely refused and nothing changes."""

from pathlib import Path

import pytest

from storage import outbox
from storage.models import OutboxMessage
from testkit.harness import SECRETARIAT, InProcessBot
from testkit.standin import BotAPIStandIn

ADMIN, OTHER, BLOCKED, UNKNOWN = 900, 901, 4040, 777


@pytest.fixture
async def app(tmp_path: Path):
    api = BotAPIStandIn()
    api.add_group(SECRETARIAT, "Secrétariat permanent")
    api.add_private(BLOCKED)
    api.block(BLOCKED)
    bot = InProcessBot(api, tmp_path, admin_ids=(ADMIN,))
    await bot.start()
    yield bot
    await bot.close()


async def failures(app: InProcessBot) -> dict[int, int]:
    """Enqueue a card that gets through, one to a person who blocked the bot, one to a chat
    Telegram does not know; deliver them. Returns chat → outbox id."""
    async with app.sessions() as session:
        rows = {
            chat: outbox.enqueue(session, chat, f"card for {chat}")
            for chat in (SECRETARIAT, BLOCKED, UNKNOWN)
        }
        await session.commit()
        ids = {chat: row.id for chat, row in rows.items()}
    await app.drain_outbox()
    return ids


async def test_someone_else_is_refused_and_nothing_changes(app: InProcessBot) -> None:
    ids = await failures(app)
    user = app.user(OTHER)
    reply = await user.send("/outbox")
    assert reply.texts == [
        "Désolé, seuls les administrateurs peuvent consulter les messages sortants."
    ]
    forged = await user.press_data(reply[-1], f"obx:{ids[UNKNOWN]}", expect=0)
    assert "seuls les administrateurs" in app.api.callback_answer(forged.callback_query_id)["text"]
    async with app.sessions() as session:
        assert (await session.get(OutboxMessage, ids[UNKNOWN])).failed_at is not None


async def test_an_admin_sees_the_outbox_and_retries_a_failed_message(app: InProcessBot) -> None:
    ids = await failures(app)
    admin = app.user(ADMIN)
    reply = await admin.send("/outbox")
    text = reply.texts[-1]
    assert "📮 Messages sortants" in text and "Envoyés : 1 · En échec : 2" in text
    assert "Rien n’est en attente." in text
    assert f"n°{ids[UNKNOWN]} à {UNKNOWN}" in text and "chat not found" in text
    assert f"{BLOCKED} depuis le" in text and "blocked by the user" in text
    assert set(admin.buttons(reply[-1])) == {
        f"🔁 Réessayer n°{ids[UNKNOWN]}",
        f"🔁 Réessayer n°{ids[BLOCKED]}",
    }

    app.api.add_private(UNKNOWN)  # the chat exists now
    after = await admin.press(reply[-1], f"🔁 Réessayer n°{ids[UNKNOWN]}")
    assert (
        app.api.callback_answer(after.callback_query_id)["text"] == "Remis dans la file d’attente."
    )
    await app.drain_outbox()
    assert [m["text"] for m in app.api.messages(UNKNOWN)] == [f"card for {UNKNOWN}"]

    again = await admin.press_data(reply[-1], f"obx:{ids[UNKNOWN]}", expect=0)  # an old button
    assert app.api.callback_answer(again.callback_query_id)["text"] == (
        "Ce message n’est plus en échec."
    )
    missing = await admin.press_data(reply[-1], "obx:999999", expect=0)
    assert "plus en échec" in app.api.callback_answer(missing.callback_query_id)["text"]
    reply = await admin.send("/outbox")
    assert "Envoyés : 2 · En échec : 1" in reply.texts[-1]
    check_clean_but_expected(app.api)


def check_clean_but_expected(api: BotAPIStandIn) -> None:
    """No error but the refusals the test arranged (403, chat not found)."""
    assert not api.unanswered_callback_queries()
    unexpected = [c for c in api.errors if c.params.get("chat_id") not in (BLOCKED, UNKNOWN)]
    assert not unexpected, [(c.method, c.description) for c in unexpected]
