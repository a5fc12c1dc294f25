"""The Secretariat's staff: who has which role, granted and revoked by admins."""

from bot.domain.people import StaffMember, StaffRefused
from bot.domain.roles import STAFF, Action, Role
from bot.notify import people as notify
from bot.services.acting import PeopleUseCase
from bot.services.rights import require
from storage.accounts import set_role, staff_accounts
from storage.models import Account
from storage.outbox import post


class Staff(PeopleUseCase):
    async def members(self) -> list[StaffMember]:
        """Everyone with a staff role, ADMIN_IDS included (even before they wrote to the bot)."""
        require(self.actor, self.admin_ids, Action.MANAGE_STAFF)
        accounts = await staff_accounts(self.session, STAFF, self.admin_ids)
        members = [self.member(a) for a in accounts]
        missing = set(self.admin_ids) - {m.telegram_id for m in members}
        members += [StaffMember(i, str(i), Role.ADMIN, True) for i in sorted(missing)]
        return sorted(members, key=lambda m: (m.role != Role.ADMIN, m.role, m.name.casefold()))

    async def candidate(self, telegram_id: int) -> StaffMember:
        """Someone an admin names to give a role: one who has written to the bot, and not an
        admin through ADMIN_IDS (`unknown_person`, `configured_admin` otherwise)."""
        return self.member(await self._target(telegram_id))

    async def shown(self, telegram_id: int, role: str = "") -> StaffMember:
        """The person a button names, still as it showed them (with `role`, if given): else
        the button is old or forged (`stale`), and nothing is asked."""
        require(self.actor, self.admin_ids, Action.MANAGE_STAFF)
        account = await self.session.get(Account, telegram_id)
        member = self.member(account) if account is not None else None
        if member is None or member.configured or (role and member.role != role):
            raise StaffRefused("stale")
        return member

    async def _target(self, telegram_id: int) -> Account:
        require(self.actor, self.admin_ids, Action.MANAGE_STAFF)
        if telegram_id in self.admin_ids:
            raise StaffRefused("configured_admin")
        account = await self.session.get(Account, telegram_id)
        if account is None:
            raise StaffRefused("unknown_person")
        return account

    async def grant(self, telegram_id: int, role: Role) -> StaffMember:
        """Give a staff role to someone who has written to the bot; they are told."""
        account = await self._target(telegram_id)
        if role not in STAFF:
            raise StaffRefused("stale")
        if account.role == role:
            raise StaffRefused("same_role")
        if account.telegram_id == self.actor.telegram_id:
            raise StaffRefused("self")
        await self._keep_an_admin(account)
        await self._set_role(account, account.role, role)
        await self._tell(account, role)
        await self.session.commit()
        return self.member(account)

    async def revoke(self, telegram_id: int, expected: str) -> StaffMember:
        """Take a staff role away (the person becomes a city official again). `expected` is
        the role the confirmation showed: a role changed since then makes the button stale."""
        account = await self._target(telegram_id)
        if account.role != expected or account.role not in STAFF:
            raise StaffRefused("stale")
        if account.telegram_id == self.actor.telegram_id:
            raise StaffRefused("self")
        await self._keep_an_admin(account)
        await self._set_role(account, expected, Role.APPLICANT)
        await self._tell(account, Role.APPLICANT)
        await self.session.commit()
        return self.member(account)

    async def _tell(self, account: Account, role: Role) -> None:
        voice = self.audience.voice
        await post(
            self.session, notify.role_changed(account.telegram_id, account.language, role, voice)
        )

    async def _set_role(self, account: Account, from_role: str, to_role: str) -> None:
        """The change, only from the role it was taken from (a compare-and-set, first of the
        transaction's writes): of two admins changing one person's role at once, the second is
        refused and nothing of theirs is written or told."""
        configured = set(self.admin_ids) - {account.telegram_id}
        keep = from_role == Role.ADMIN and not configured
        if await set_role(self.session, account, from_role, to_role, keep_an_admin=keep):
            return
        await self.session.refresh(account)
        if account.role == from_role:  # still an admin: the other admins were taken away
            raise StaffRefused("last_admin")
        raise StaffRefused("moved", name=self.member(account).name, role=account.role)

    async def _keep_an_admin(self, account: Account) -> None:
        """Changing the role of the last admin would leave nobody to manage people."""
        if account.role != Role.ADMIN:
            return
        admins = {
            a.telegram_id
            for a in await staff_accounts(self.session, frozenset({Role.ADMIN}), ())
            if a.role == Role.ADMIN
        } | set(self.admin_ids)
        if admins <= {account.telegram_id}:
            raise StaffRefused("last_admin")
