"""What a handler gets for one update: who is acting, in which chat and language, the rules, and
the use cases bound to this update's transaction."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from aiogram import Bot, html
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.fsm.context import FSMContext
from aiogram.types import Chat, ReplyKeyboardRemove, TelegramObject
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.domain.emergency import hours, minutes
from bot.domain.records import PROFILE_RECORD, Person, Record
from bot.domain.roles import Action, Role, effective_role, may
from bot.domain.rules import FundingRules
from bot.notify.readers import Audience
from bot.screens.base import Screen
from bot.services.cities import Cities
from bot.services.documents import Documents
from bot.services.dossiers import Dossiers
from bot.services.emergencies import Emergencies, Timing
from bot.services.invites import Invites
from bot.services.outbox_admin import OutboxAdmin
from bot.services.people import Profiles, person_of
from bot.services.projects import Projects, grant_follows
from bot.services.review import Review
from bot.services.sheets import Sheets
from bot.services.team import Staff
from bot.services.verification import Verifications
from bot.telegram.i18n import OWN_LANGUAGE
from bot.telegram.states import Flow
from bot.telegram.topics import SecretariatTopics
from bot.workers.outbox import OutboxWorker
from storage.models import Account

T = TypeVar("T")


@dataclass
class Context:
    bot: Bot
    chat_id: int
    fsm: FSMContext
    i18n: I18n
    settings: Settings
    rules: FundingRules
    outbox: OutboxWorker
    dossiers: Dossiers
    profiles: Profiles
    review: Review
    _account: Account
    outbox_admin: OutboxAdmin  # /outbox: counts, failures, unreachable chats, retry
    _session: Any = None  # this update's session, for the services below
    topics: SecretariatTopics | None = None  # the Secretariat's chat as a forum (per process)
    thread_id: int | None = None  # the forum topic the update came from: answers go back there
    scheduler: Any = None  # the timers' worker (bot.workers.scheduler.Scheduler): `wake()`
    shared: bool = False  # a group: everyone there reads what is posted, in its language
    own_language: str = ""  # the acting person's language, wherever they act

    # The Secretariat's use cases, built when a handler first asks (each checks the right itself).
    @cached_property
    def cities(self) -> Cities:
        return Cities(self._session, self._account, self.settings.admin_ids)

    @cached_property
    def documents(self) -> Documents:
        return documents_of(self.review, self.rules, self.settings)

    @cached_property
    def emergencies(self) -> Emergencies:
        settings = self.settings
        timing = Timing(
            minutes(settings.escalation_minutes),
            settings.escalation_rounds,
            hours(settings.sitrep_hours),
            settings.emergency_report_days,
            settings.digest_hour,
        )
        return Emergencies(self._session, self._account, self.role, self.audience, timing)

    @cached_property
    def audience(self) -> Audience:
        return self.review.audience

    def wake_scheduler(self) -> None:
        if self.scheduler is not None:
            self.scheduler.wake()

    @cached_property
    def projects(self) -> Projects:
        return Projects(self._session, self._account, self.role, self.settings, self.i18n)

    @cached_property
    def sheets(self) -> Sheets:
        return Sheets(self._session, self._account, self.role)

    @cached_property
    def staff(self) -> Staff:
        return Staff(self._session, self._account, self.settings.admin_ids, self.audience)

    @cached_property
    def invites(self) -> Invites:
        return Invites(self._session, self._account, self.settings.admin_ids, self.audience)

    @cached_property
    def verifications(self) -> Verifications:
        return Verifications(self._session, self._account, self.settings.admin_ids, self.audience)

    @property
    def person(self) -> Person:
        return person_of(self._account)

    @property
    def language(self) -> str:
        return self.i18n.current_locale

    @property
    def role(self) -> Role:
        """The role of the person who pressed or typed, as stored now (ADMIN_IDS are admins)."""
        account = self._account
        return effective_role(account.role, account.telegram_id, self.settings.admin_ids)

    def may(self, action: Action) -> bool:
        return may(self.role, action)

    async def send(self, *screens: Screen) -> None:
        for screen in screens:
            await self.bot.send_message(
                self.chat_id,
                screen.text,
                reply_markup=screen.markup,
                message_thread_id=self.thread_id,
            )

    def own(self, build: Callable[[], T]) -> T:
        """Words only the presser reads (a button's popup): in their language, even in a shared
        chat whose posts are in the chat's."""
        with self.i18n.use_locale(self.own_language or self.language):
            return build()

    async def send_privately(self, build: Callable[[], Sequence[Screen]]) -> None:
        """A long view asked for in a shared chat (a whole dossier): it goes to the presser's
        private chat, written in their language, and the group is not filled with it. If they
        never started a private chat with the bot (Telegram refuses it then), the group gets one
        short line saying how. In a private chat: sent there, as `send`."""
        if not self.shared:
            await self.send(*build())
            return
        screens = self.own(build)
        presser = self._account.telegram_id
        try:
            for screen in screens:
                await self.bot.send_message(presser, screen.text, reply_markup=screen.markup)
        except (TelegramForbiddenError, TelegramBadRequest):  # never started, or blocked us
            me = await self.bot.me()
            text = _(
                "{name}, I cannot write to you privately yet: open {link}, press Start, "
                "then press again."
            ).format(name=html.quote(self._account.first_name), link=f"https://t.me/{me.username}")
            await self.send(Screen(text))

    async def say(self, text: str) -> None:
        """A plain message that also takes away a device keyboard still shown."""
        await self.bot.send_message(
            self.chat_id,
            text,
            reply_markup=ReplyKeyboardRemove(),
            message_thread_id=self.thread_id,
        )

    async def record(self, record_id: int, files: bool = True) -> Record | None:
        """A record the person may open: their profile, or one of their city's dossiers."""
        if record_id == PROFILE_RECORD:
            return self.profiles.record()
        return await self.dossiers.load(record_id, files=files)

    async def current(self) -> Record | None:
        """The record typed answers go to now, from the conversation state."""
        state = await self.fsm.get_state()
        if state == Flow.registering.state:
            data = await self.fsm.get_data()
            return self.profiles.record(short=bool(data.get("short")))
        if state == Flow.dossier.state:
            return await self.dossiers.active()
        return None

    async def apply(self, record: Record, move: Any) -> Record:
        """Store a move in the record's own store (one transaction)."""
        if record.is_profile:
            return await self.profiles.apply(record, move)
        return await self.dossiers.apply(record, move)


def build_context(event: TelegramObject, data: dict[str, Any]) -> Context:
    account: Account = data["account"]
    session = data["session"]
    chat = data.get("event_chat")
    settings: Settings = data["settings"]
    role = effective_role(account.role, account.telegram_id, settings.admin_ids)
    audience = Audience.of(settings, data["i18n"])
    review = Review(session, account, role, audience, grant_follows(settings, data["i18n"]))
    return Context(
        bot=data["bot"],
        chat_id=chat.id if chat is not None else account.telegram_id,
        fsm=data["state"],
        i18n=data["i18n"],
        settings=settings,
        rules=data["rules"],
        outbox=data["outbox"],
        dossiers=Dossiers(
            session, account, audience, documents_of(review, data["rules"], settings)
        ),
        profiles=Profiles(session, account, audience),
        review=review,
        _account=account,
        outbox_admin=OutboxAdmin(session),
        _session=session,
        topics=data.get("topics"),
        thread_id=data.get("event_thread_id"),
        scheduler=data.get("scheduler"),
        shared=isinstance(chat, Chat) and chat.type != "private",
        own_language=data.get(OWN_LANGUAGE, ""),
    )


def documents_of(review: Review, rules: FundingRules, settings: Settings) -> Documents:
    return Documents(review, rules, settings.files_dir)
