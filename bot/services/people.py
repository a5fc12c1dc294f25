"""The person and their profile: registration is a form whose answers are the account's columns."""

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.access import city_changed
from bot.domain.countries import fold
from bot.domain.flow import Move
from bot.domain.navigation import Cursor
from bot.domain.people import Registration, Verification
from bot.domain.profile_form import CITY_KEYS, PROFILE_FORM, SHORT_PROFILE_FORM, missing_profile
from bot.domain.records import PROFILE_RECORD, Person, Record
from bot.notify import people as notify
from bot.notify.readers import Audience
from bot.telegram.states import Flow
from storage.accounts import PROFILE_COLUMNS, city_for
from storage.models import Account, City
from storage.outbox import post
from storage.types import utcnow

assert set(PROFILE_FORM.questions) <= set(PROFILE_COLUMNS), "a profile question has no column"


def profile_answers(account: Account) -> dict[str, str]:
    return {key: value for key in PROFILE_FORM.questions if (value := getattr(account, key))}


def person_of(account: Account) -> Person:
    return Person(
        telegram_id=account.telegram_id,
        first_name=account.first_name,
        language=account.language,
        profile=profile_answers(account),
        city_id=account.city_id,
        active_record_id=account.active_dossier_id,
        verification=account.verification,
    )


def reopen_registration(account: Account) -> None:
    """The account is tied to another city (or to none while its country is asked again): it
    is no longer verified for anything, and its registration goes to the Secretariat anew (a new
    card once the profile is complete again)."""
    account.verification = Verification.PENDING
    account.verified_by = account.verified_at = None
    account.refusal_reason = None
    account.registered_at = None


async def link_city(session: AsyncSession, account: Account) -> None:
    """Tie the person to their city (found or created) once both name and country are known."""
    if not account.city_name or not account.country:
        account.city_id = None
        return
    city = await city_for(session, account.city_name, fold(account.city_name), account.country)
    account.city_id = city.id


async def registration_of(session: AsyncSession, account: Account) -> Registration:
    city = None
    if account.city_id:
        with session.no_autoflush:  # a read: the profile's changes are written at commit
            city = await session.get(City, account.city_id)
    return Registration(
        telegram_id=account.telegram_id,
        city_id=account.city_id,
        first_name=account.first_name,
        language=account.language,
        profile=profile_answers(account),
        listed=bool(city is not None and city.listed),
        verification=account.verification,
        refusal_reason=account.refusal_reason,
    )


class Profiles:
    """One person's profile, for one update (a `RecordStore`, bot/services/records.py)."""

    answering = Flow.registering.state
    closes_at_review = True  # its review is the end of the registration

    def __init__(self, session: AsyncSession, account: Account, audience: Audience) -> None:
        self.session = session
        self.account = account
        self.audience = audience  # who a registration tells (bot/notify/people.py)

    def record(self, short: bool = False) -> Record:
        """The profile as a form; `short`: only what an emergency report needs first."""
        form = SHORT_PROFILE_FORM if short else PROFILE_FORM
        return Record(
            id=PROFILE_RECORD,
            form=form,
            answers=profile_answers(self.account),
            cursor=Cursor.from_json(form, self.account.profile_cursor),
        )

    async def apply(self, record: Record, move: Move) -> Record:
        """Store a move of the profile form: its answers and position in one transaction; a new
        city or country ties the person to another city (and leaves the draft of the old one):
        they are unverified again, reach nothing of the old city, and a new registration card
        goes to the Secretariat once the profile is complete (in the same transaction)."""
        changed = {k for k, v in move.answers.items() if record.answers.get(k) != v}
        for key in changed & set(PROFILE_FORM.questions):
            setattr(self.account, key, move.answers[key])
        self.account.profile_cursor = move.cursor.to_json()
        self.account.profile_version = PROFILE_FORM.version
        if changed & CITY_KEYS:
            previous_city = self.account.city_id
            with self.session.no_autoflush:  # the city's lookup writes nothing yet (SQLite's turn)
                await link_city(self.session, self.account)
            if self.account.city_id != previous_city:
                self.account.active_dossier_id = None
            if city_changed(previous_city, self.account.city_id):
                reopen_registration(self.account)
        await self._registered()
        await self.session.commit()
        record.answers, record.cursor = profile_answers(self.account), move.cursor
        return record

    async def _registered(self) -> None:
        """The profile is complete: the first time, the Secretariat's chat gets its card
        (bot/notify/people.py `registered`)."""
        account = self.account
        answers = profile_answers(account)
        if account.registered_at is not None or missing_profile(answers) or not account.city_id:
            return
        account.registered_at = utcnow()
        registration = await registration_of(self.session, account)
        await post(self.session, notify.registered(registration, self.audience))

    async def load_files(self, record: Record) -> None:
        """A profile has no files."""

    async def activate(self, record: Record) -> None:
        """Typed answers go to the profile while the person registers (the conversation state)."""

    async def move_to(self, record: Record, cursor: Cursor) -> Record:
        """Where the person is in the profile, no answer changed: written with the update's own
        commit, after its reply (a first contact commits once, not once more per message)."""
        self.account.profile_cursor = cursor.to_json()
        self.account.profile_version = PROFILE_FORM.version
        record.cursor = cursor
        return record

    async def set_language(self, code: str) -> None:
        self.account.language = code
        await self.session.commit()
