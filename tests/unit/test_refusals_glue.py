"""The one glue that turns a use case's refusal into the polite answer (bot/telegram/refusals.py):
a button's popup when its query is not answered yet, else a message where the update came from;
the refusal's words come from bot/screens/errors.py."""

from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import CallbackQuery, Chat, User

from bot.domain.machine import StatusRefused
from bot.domain.refusals import Refused
from bot.telegram.refusals import AnsweredQueries, RefusalMiddleware

USER = User(id=5, is_bot=False, first_name="Awa")
CHAT = Chat(id=-100, type="supergroup")


class Bot:
    """Records what is asked of Telegram, through the request middleware as the real one."""

    def __init__(self) -> None:
        self.sent: list[Any] = []
        self.watch = AnsweredQueries()

    async def __call__(self, method: Any) -> Any:
        async def make(bot: Any, request: Any) -> Any:
            self.sent.append(request)
            return True

        return await self.watch(make, self, method)  # type: ignore[arg-type]

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> None:
        await self(SendMessage(chat_id=chat_id, text=text, **kwargs))


def words(refused: Refused) -> str:
    return f"{refused.code}:{refused.details.get('reference', '')}"


def pressed(bot: Bot) -> CallbackQuery:
    return CallbackQuery(id="q1", from_user=USER, chat_instance="c", data="x").as_(bot)  # type: ignore[arg-type]


async def run(bot: Bot, event: Any, handler: Any) -> Any:
    data = {"bot": bot, "event_chat": CHAT, "event_from_user": USER, "event_thread_id": 7}
    return await RefusalMiddleware(words)(handler, event, data)


async def test_a_refusal_before_the_press_is_answered_is_its_popup() -> None:
    bot = Bot()

    async def handler(event: Any, data: Any) -> None:
        raise StatusRefused("moved", reference="FC-2026-0042", label="Submitted")

    assert await run(bot, pressed(bot), handler) is None
    [answer] = bot.sent
    assert isinstance(answer, AnswerCallbackQuery)
    assert (answer.text, answer.show_alert) == ("moved:FC-2026-0042", True)


async def test_a_refusal_after_the_press_was_answered_is_a_message_where_it_came_from() -> None:
    bot = Bot()

    async def handler(event: CallbackQuery, data: Any) -> None:
        await event.answer()
        raise StatusRefused("stale", reference="FU-2026-0001")

    await run(bot, pressed(bot), handler)
    answer, message = bot.sent
    assert isinstance(answer, AnswerCallbackQuery) and answer.text is None
    assert isinstance(message, SendMessage)
    assert (message.chat_id, message.text, message.message_thread_id) == (
        -100,
        "stale:FU-2026-0001",
        7,
    )


async def test_other_errors_are_not_taken_for_refusals() -> None:
    async def handler(event: Any, data: Any) -> None:
        raise RuntimeError("boom")

    bot = Bot()
    with pytest.raises(RuntimeError):
        await run(bot, pressed(bot), handler)
    assert bot.sent == []


def test_the_words_of_a_moves_refusal() -> None:
    from bot.screens.errors import refused_text
    from bot.telegram.i18n import build_i18n

    i18n = build_i18n("en")
    with i18n.context(), i18n.use_locale("en"):
        moved = refused_text(StatusRefused("moved", reference="FC-1", label="Submitted"))
        assert moved == "This is no longer possible: FC-1 is now “Submitted”."
        assert refused_text(StatusRefused("not_yours")) == "Sorry, this is not yours to do."
