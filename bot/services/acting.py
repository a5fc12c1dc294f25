"""Who acts in an update (`Acting`), and what the use cases on people (staff roles, invites,
registrations) share: the transaction, who acts, the admins named by configuration, and whom
their notices reach."""

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.people import StaffMember, Verification
from bot.domain.records import Person
from bot.domain.roles import Action, Role, may
from bot.notify.readers import Audience
from bot.services.people import person_of
from bot.services.rights import role_of
from storage.models import Account


class PeopleUseCase:
    def __init__(
        self,
        session: AsyncSession,
        actor: Account,
        admin_ids: tuple[int, ...],
        audience: Audience,
    ) -> None:
        self.audience = audience
        self.session = session
        self.actor = actor
        self.admin_ids = admin_ids

    def member(self, account: Account) -> StaffMember:
        """The account as the staff list shows it (its role as ADMIN_IDS makes it)."""
        return StaffMember(
            account.telegram_id,
            account.full_name or account.first_name or str(account.telegram_id),
            role_of(account, self.admin_ids),
            account.telegram_id in self.admin_ids,
            account.language,
        )


class Acting:
    """The person who pressed or typed, for one update: built once, read as stored now (an
    answer, a new language or a redeemed invite changes the account during the update)."""

    __slots__ = ("_account", "_admin_ids")

    def __init__(self, account: Account, admin_ids: tuple[int, ...]) -> None:
        self._account = account
        self._admin_ids = admin_ids

    @property
    def id(self) -> int:
        return self._account.telegram_id

    @property
    def role(self) -> Role:
        """Their role as stored now; ADMIN_IDS are admins."""
        return role_of(self._account, self._admin_ids)

    @property
    def city(self) -> int | None:
        return self._account.city_id

    @property
    def verified(self) -> bool:
        return self._account.verification == Verification.VERIFIED

    @property
    def language(self) -> str | None:
        return self._account.language

    @property
    def person(self) -> Person:
        return person_of(self._account)

    def may(self, action: Action) -> bool:
        return may(self.role, action)
