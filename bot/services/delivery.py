"""What the bot does about its own deliveries, outside an update: who reads a chat and in which
language (the staff chats of the settings, or a person by their account: for the pointer of a
cut text), and paging the admins when a card or an alert cannot be delivered."""

from collections.abc import Callable

from aiogram.utils.i18n import I18n
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.domain.roles import Role
from bot.notify.notice import Notice
from bot.notify.readers import Voice
from bot.screens.delivery import page_reachable, page_refused, page_unreachable
from storage import outbox
from storage.accounts import staff_accounts
from storage.models import Account, OutboxMessage
from storage.outbox import post

SECRETARIAT, COMMISSION, PRESIDENCY = "secretariat", "commission", "presidency"
PAGE = "page"  # an outbox row's payload key: a page to an admin


class Readers:
    def __init__(self, settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.settings = settings
        self.sessions = sessions

    def staff_chats(self) -> dict[int, tuple[str, str]]:
        """The staff chats: chat id → (which, language)."""
        s = self.settings
        chats = {
            s.presidency_chat_id: (PRESIDENCY, s.presidency_notify_language),
            s.commission_chat_id: (COMMISSION, s.commission_notify_language),
            s.secretariat_chat_id: (SECRETARIAT, s.notify_language),
        }
        return {chat: value for chat, value in chats.items() if chat is not None}

    def staff_chat(self, chat_id: int) -> str | None:
        """ "secretariat", "commission" or "presidency" for those chats, else None."""
        found = self.staff_chats().get(chat_id)
        return found[0] if found else None

    async def language(self, chat_id: int | str | None) -> str:
        default = self.settings.default_language
        if not isinstance(chat_id, int):
            return default
        staff = self.staff_chats().get(chat_id)
        if staff is not None:
            return staff[1]
        if chat_id < 0:
            return default
        async with self.sessions() as session:
            language = await session.scalar(
                select(Account.language).where(Account.telegram_id == chat_id)
            )
        return language or default

    async def admins(self, session: AsyncSession) -> list[tuple[int, str]]:
        """Each admin (ADMIN_IDS and stored admins) with their language, to page them."""
        ids = self.settings.admin_ids
        accounts = await staff_accounts(session, frozenset({Role.ADMIN.value}), ids)
        default = self.settings.default_language
        known = {a.telegram_id: a.language or default for a in accounts}
        for admin in ids:
            known.setdefault(admin, default)
        return sorted(known.items())


class Pager:
    """Pages the admins (ADMIN_IDS and stored admins, each in private, in their language, ahead
    of everything else in the outbox) when a card or an alert cannot be delivered: a message to
    a staff chat, or an urgent one. Written in the transaction that records the failure."""

    def __init__(self, readers: Readers, i18n: I18n) -> None:
        self.readers = readers
        self.voice = Voice(i18n, readers.settings.default_language)

    def watched(self, message: OutboxMessage) -> bool:
        """A card or an alert: what must never be only a row marked failed."""
        if (message.payload or {}).get(PAGE):
            return False  # a page that fails is in /outbox; paging about it would loop
        return self.staff_chat(message.chat_id) is not None or message.priority > 0

    def staff_chat(self, chat_id: int) -> str | None:
        return self.readers.staff_chat(chat_id)

    async def _page(self, session: AsyncSession, render: Callable[[], str]) -> None:
        for admin, language in await self.readers.admins(session):
            text = self.voice(language, render)
            (message,) = await post(session, [Notice(admin, text, urgent=True)])
            message.payload = {**(message.payload or {}), PAGE: True}

    async def refused(self, session: AsyncSession, message: OutboxMessage, error: str) -> None:
        """Telegram refused it for good (a 400, or given up after server errors)."""
        which = self.staff_chat(message.chat_id)
        await self._page(session, lambda: page_refused(which, message.chat_id, message.text, error))

    async def unreachable(self, session: AsyncSession, chat_id: int, error: str) -> None:
        """A staff chat refuses the bot (403): its messages wait, kept, until it answers again."""
        which = self.staff_chat(chat_id)
        waiting = await outbox.waiting(session, chat_id)
        await self._page(session, lambda: page_unreachable(which, chat_id, error, waiting))

    async def reachable(self, session: AsyncSession, chat_id: int) -> None:
        which = self.staff_chat(chat_id)
        await self._page(session, lambda: page_reachable(which, chat_id))
