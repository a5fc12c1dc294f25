"""First contact, language and registration, over HTTP against the stand-in."""

from tests.harness import RunningBot


async def test_start_greets_in_the_telegram_language(running: RunningBot) -> None:
    greetings = (("fr", "Bonjour"), ("en-GB", "Hello"), ("ar", "مرحب"), ("de", "Bonjour"))
    for number, (code, word) in enumerate(greetings):
        user = running.user(100 + number, language_code=code)
        reply = await user.send("/start")
        assert word in reply[0]["text"], reply[0]["text"]


async def test_commands_are_registered_in_three_languages(running: RunningBot) -> None:
    api = running.api
    for language in ("fr", "en", "ar"):
        names = [c["command"] for c in api.commands(language_code=language)]
        assert names == ["new", "dossiers", "status", "profile", "language", "cancel", "help"]
    assert api.commands()


async def test_messages_in_group_chats_are_not_answered_as_an_applicant(
    running: RunningBot,
) -> None:
    from tests.harness import SECRETARIAT

    user = running.user(120)
    message = user._message(text="/start") | {
        "chat": {"id": SECRETARIAT, "type": "supergroup", "title": "Secrétariat permanent"}
    }
    await user._act({"message": message}, expect=0, quiet=0.5)
    assert running.api.messages(SECRETARIAT) == []
