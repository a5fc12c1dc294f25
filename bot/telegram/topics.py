"""The Secretariat's chat as a forum: whether it is one (asked once with getChat, kept for the
process), and a topic per dossier (createForumTopic). Any failure means "no topic": the messages
then go to the main chat, as in a plain group."""

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

log = logging.getLogger(__name__)
MAX_TOPIC_NAME = 128  # createForumTopic: "Topic name, 1-128 characters"


def topic_name(reference: str, city: str) -> str:
    """`FC-2026-0001 · Dakar`, cut to Telegram's 128 characters."""
    name = f"{reference} · {city}" if city.strip() else reference
    return name[:MAX_TOPIC_NAME].rstrip()


class SecretariatTopics:
    """One per process (built with the app): the answer to getChat is kept once known."""

    def __init__(self, chat_id: int | None) -> None:
        self.chat_id = chat_id
        self._is_forum: bool | None = None

    async def is_forum(self, bot: Bot) -> bool:
        """True if the Secretariat's chat is a forum supergroup. A failed getChat counts as "not
        a forum" for this time and is asked again next time; an answer is kept."""
        if self.chat_id is None:
            return False
        if self._is_forum is None:
            try:
                chat = await bot.get_chat(self.chat_id)
            except (TelegramAPIError, OSError, TimeoutError) as error:
                log.warning("getChat failed on the Secretariat's chat: %s", error)
                return False
            self._is_forum = bool(chat.is_forum)
        return self._is_forum

    async def create(self, bot: Bot, name: str) -> int | None:
        """A new topic's message_thread_id, or None (logged) if Telegram refused or failed: no
        right to manage topics, topics switched off since, a network error."""
        if self.chat_id is None:
            return None
        try:
            topic = await bot.create_forum_topic(self.chat_id, name[:MAX_TOPIC_NAME])
        except (TelegramAPIError, OSError, TimeoutError) as error:
            log.warning("createForumTopic failed, the dossier stays in the main chat: %s", error)
            return None
        return topic.message_thread_id

    async def delete(self, bot: Bot, thread_id: int) -> None:
        """Delete a topic made for nothing (its dossier was submitted by someone else at the
        same moment, into a topic of their own); a failure is logged and left."""
        if self.chat_id is None:
            return
        try:
            await bot.delete_forum_topic(self.chat_id, thread_id)
        except (TelegramAPIError, OSError, TimeoutError) as error:
            log.warning("deleteForumTopic failed, an empty topic is left: %s", error)
