"""What the use cases on people (staff roles, invites, registrations) share: the transaction,
who acts, the admins named by configuration, and whom their notices reach."""

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.people import StaffMember
from bot.notify.readers import Audience
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
