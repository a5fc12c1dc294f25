"""First contact, language and registration, fed in-process to the bot."""

import gc
import weakref

from aiogram.methods.base import Response
from aiogram.types import Message
from sqlalchemy import event

from bot.logs import current_update
from testkit.harness import SECRETARIAT, InProcessBot


async def test_start_greets_in_the_telegram_language(app: InProcessBot) -> None:
    greetings = (("fr", "Bonjour"), ("en-GB", "Hello"), ("ar", "مرحب"), ("de", "Bonjour"))
    for number, (code, word) in enumerate(greetings):
        user = app.user(100 + number, language_code=code)
        reply = await user.send("/start")
        assert word in reply[0]["text"], reply[0]["text"]


async def test_commands_are_registered_in_three_languages(app: InProcessBot) -> None:
    api = app.api
    expected = ["emergency", "new", "dossiers", "status", "profile", "language", "cancel", "help"]
    descriptions = {}
    for language in ("fr", "en", "ar"):
        commands = api.commands(language_code=language)
        assert [c["command"] for c in commands] == expected
        descriptions[language] = [c["description"] for c in commands]
    default = api.commands()
    assert [c["command"] for c in default] == expected
    assert [c["description"] for c in default] == descriptions["fr"]  # French is the default
    assert len({tuple(d) for d in descriptions.values()}) == 3  # each language its own texts
    group = api.commands({"type": "chat", "chat_id": SECRETARIAT})  # the Secretariat's menu
    assert [c["command"] for c in group] == [
        "queue", "dossier", "emergencies", "sessions", "export", "agenda", "stats", "cities",
        "registrations", "staff", "cancel",
    ]  # fmt: skip
    assert group[0]["description"] == "Dossiers en attente du Secrétariat"  # its language


async def test_messages_in_group_chats_are_not_answered_as_an_applicant(
    app: InProcessBot,
) -> None:
    user = app.user(120)
    message = user._message(text="/start") | {
        "chat": {"id": SECRETARIAT, "type": "supergroup", "title": "Secrétariat permanent"}
    }
    start = len(app.api.calls)
    await user._act({"message": message}, expect=0)
    assert app.api.messages(SECRETARIAT) == []
    assert [c.method for c in app.api.calls[start:]] == []  # nothing at all was sent


async def test_the_models_reading_the_bot_apis_answers_outlive_a_garbage_collection(
    app: InProcessBot,
) -> None:
    """Built again after each collection, they cost a third of the requests 1–5 ms of CPU."""
    await app.user(130).send("/start")
    model = weakref.ref(Response[Message])  # the model the sendMessage's answer was read with
    gc.collect()
    assert model() is not None


async def test_a_first_contact_commits_once_after_its_two_messages(app: InProcessBot) -> None:
    """30 people writing at once each took SQLite's write turn three times (the new account,
    then each of its two messages written down first); now once, after both messages."""
    commits: list[int] = []  # the update's commits: how many requests had been made at each

    def committed(_connection: object) -> None:
        if current_update.get() is not None:  # not the workers' (the outbox, the timers)
            commits.append(len(app.api.calls))

    event.listen(app.engine.sync_engine, "commit", committed)
    try:
        replies = await app.user(140).send("/new")
    finally:
        event.remove(app.engine.sync_engine, "commit", committed)
    assert len(replies) == 2  # the introduction and the first question
    assert commits == [len(app.api.calls)]
    assert "Awa" not in replies[1]["text"]
    answered = await app.user(140).send("Dakar")  # the state and the account were both kept
    assert "pays" in answered[-1]["text"].lower()
