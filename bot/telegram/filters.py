"""Message filters written as coroutines: aiogram runs plain callables (F expressions, State
objects) in a worker thread, a thread hop per filter per update."""

from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.telegram.states import Flow

ANSWERING_STATES = frozenset({Flow.dossier.state, Flow.registering.state})


class Typed(Filter):
    """An answer that is not a file and not a command: text, a contact or a location."""

    async def __call__(self, message: Message) -> bool:
        if message.document is not None or message.photo:
            return False
        return not (message.text or "").startswith("/")


class Upload(Filter):
    """A document or a photo."""

    async def __call__(self, message: Message) -> bool:
        return message.document is not None or bool(message.photo)


class NotCommand(Filter):
    async def __call__(self, message: Message) -> bool:
        return not (message.text or "").startswith("/")


class PrivateChat(Filter):
    """Applicants talk to the bot one to one; group chats (the Secretariat's) are not theirs."""

    async def __call__(self, event: Message | CallbackQuery) -> bool:
        message = event if isinstance(event, Message) else event.message
        return message is None or message.chat.type == "private"


class IsCommand(Filter):
    """A command ("/new", "/start token"): routers of commands only skip every other message."""

    async def __call__(self, message: Message) -> bool:
        return (message.text or message.caption or "").startswith("/")


class IsAnswer(Filter):
    """A message answering the form the person is filling in: not a command, and sent in one of
    the questionnaire's states."""

    async def __call__(self, message: Message, state: FSMContext) -> bool:
        if (message.text or message.caption or "").startswith("/"):
            return False
        return await state.get_state() in ANSWERING_STATES


class NotAnAnswer(IsAnswer):
    """Any other message: a command, or any message outside the questionnaire's states. The
    Secretariat's routers see only those, so an official's typed answer goes straight to the
    questionnaire."""

    async def __call__(self, message: Message, state: FSMContext) -> bool:
        return not await super().__call__(message, state)
