"""Message filters written as coroutines: aiogram runs plain callables (F expressions, State
objects) in a worker thread, a thread hop per filter per update."""

from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message


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
