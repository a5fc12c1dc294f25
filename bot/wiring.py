"""What each update's handlers may name, besides what the dispatcher holds for the whole process
(`settings`, `rules`, `i18n`, `outbox`, `topics`, `scheduler`): the acting person, the reply to
the chat the update came from, and the use cases bound to this update's session. Handlers name
what they use as keyword parameters, and aiogram passes only those (its dependency injection).

Building them costs a dozen small objects per update (~8 µs, under 1% of an answer's CPU); none
reads or writes before a handler asks it something. What depends only on the settings and the
catalogs (the audience, the emergencies' timing, the grant hook) is built once per dispatcher."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.domain.emergency import hours, minutes
from bot.domain.rules import FundingRules
from bot.notify.readers import Audience
from bot.services.acting import Acting
from bot.services.cities import Cities
from bot.services.documents import Documents
from bot.services.dossiers import Dossiers
from bot.services.emergencies import Emergencies, Timing
from bot.services.invites import Invites
from bot.services.outbox_admin import OutboxAdmin
from bot.services.people import Profiles
from bot.services.projects import Projects, grant_follows
from bot.services.records import Records
from bot.services.review import Review
from bot.services.sheets import Sheets
from bot.services.team import Staff
from bot.services.verification import Verifications
from bot.telegram.i18n import OWN_LANGUAGE
from bot.telegram.inject import Inject
from bot.telegram.reply import Reply
from storage.models import Account

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


@dataclass(frozen=True)
class Shared:
    """What every update's services take that depends only on the settings and the catalogs."""

    settings: Settings
    i18n: I18n
    audience: Audience
    timing: Timing
    decided: Any  # the review's hook: a project follows the Bureau's decision

    @classmethod
    def of(cls, settings: Settings, i18n: I18n) -> "Shared":
        audience = Audience.of(settings, i18n)
        return cls(settings, i18n, audience, timing(settings), grant_follows(settings, i18n))


class UpdateServices(BaseMiddleware):
    """Puts this update's `acting`, `reply`, `inject` and use cases into the handler data."""

    def __init__(self) -> None:
        self._shared: Shared | None = None

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if "account" in data and data.get("state") is not None:
            data.update(per_update(data, self._shared_for(data["settings"], data["i18n"])))
        return await handler(event, data)

    def _shared_for(self, settings: Settings, i18n: I18n) -> Shared:
        shared = self._shared
        if shared is None or shared.settings is not settings or shared.i18n is not i18n:
            shared = self._shared = Shared.of(settings, i18n)
        return shared


def timing(settings: Settings) -> Timing:
    return Timing(
        minutes(settings.escalation_minutes),
        settings.escalation_rounds,
        hours(settings.sitrep_hours),
        settings.emergency_report_days,
        settings.digest_hour,
    )


def per_update(data: dict[str, Any], shared: Shared) -> dict[str, Any]:
    account: Account = data["account"]
    session = data["session"]
    settings, i18n, audience = shared.settings, shared.i18n, shared.audience
    rules: FundingRules = data["rules"]
    admins = settings.admin_ids
    acting = Acting(account, admins)
    role = acting.role
    chat = data.get("event_chat")
    review = Review(session, account, role, audience, shared.decided)
    documents = Documents(review, rules, settings.files_dir)
    dossiers = Dossiers(session, account, audience, documents)
    profiles = Profiles(session, account, audience)
    return {
        "acting": acting,
        "reply": Reply(
            data["bot"],
            chat.id if chat is not None else account.telegram_id,
            data.get("event_thread_id"),
            shared=chat is not None and chat.type != "private",
            i18n=i18n,
            own_language=data.get(OWN_LANGUAGE, ""),
        ),
        "inject": Inject(data),
        "audience": audience,
        "review": review,
        "documents": documents,
        "dossiers": dossiers,
        "profiles": profiles,
        "records": Records(profiles, dossiers),
        "projects": Projects(session, account, role, settings, i18n),
        "emergencies": Emergencies(session, account, role, audience, shared.timing),
        "sheets": Sheets(session, account, role),
        "cities": Cities(session, account, admins),
        "staff": Staff(session, account, admins, audience),
        "invites": Invites(session, account, admins, audience),
        "verifications": Verifications(session, account, admins, audience),
        "outbox_admin": OutboxAdmin(session),
    }
