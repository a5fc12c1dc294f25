"""One-time invite links: created by admins in a private chat with the bot, redeemed once by
whoever opens them first (a compare-and-set on `used_by`). A link for admin or presidency gives
its role only once the admin who made it confirms who opened it; no link lowers or swaps the role
of a staff member who opens it."""

from dataclasses import dataclass
from datetime import datetime

from bot.domain import invites as rules
from bot.domain.cities import MemberCity
from bot.domain.invites import InviteRefused
from bot.domain.people import StaffMember, Verification
from bot.domain.roles import STAFF, Action, Role
from bot.notify import people as notify
from bot.services.acting import PeopleUseCase
from bot.services.cities import member_city
from bot.services.rights import require, role_of
from storage.invites import decide_invite, invite_with_token, use_invite
from storage.models import Account, City, Invite
from storage.outbox import post
from storage.types import utcnow

# What the admin who made a link is asked, in their language: (language, who opened it, the
# invite's id, the role) → the message and its buttons.


@dataclass(frozen=True)
class Redeemed:
    role: Role | None
    city: MemberCity | None
    pending: bool = False  # waits for the confirmation of the admin who made the link


@dataclass(frozen=True)
class Decided:
    """An admin's answer to a request to use their link: who asked, and the role it gives."""

    person: StaffMember
    role: Role
    confirmed: bool


def invite_of(row: Invite) -> rules.Invite:
    return rules.Invite(row.token, row.role, row.city_id, row.expires_at, row.used_by)


def needs_confirmation(role: str | None) -> bool:
    """Links that make someone an admin or a member of the Presidency wait for the admin who
    made them to confirm who opened them."""
    return role in (Role.ADMIN, Role.PRESIDENCY)


def role_change_problem(current: Role, offered: Role) -> InviteRefused | None:
    """A link never lowers nor swaps the role of someone who has one: a staff member can only
    be made an admin by one."""
    if current == offered:
        return InviteRefused("same_role", role=current)
    if current in STAFF and offered != Role.ADMIN:
        return InviteRefused("staff_role", role=current)
    return None


class Invites(PeopleUseCase):
    async def create(
        self,
        days: int,
        role: Role | None = None,
        city_id: int | None = None,
        *,
        private: bool = True,
    ) -> rules.Invite:
        """A new link for a staff role, or for a focal point of a listed city; made only in a
        private chat with the admin (`private`), so that nobody else ever sees it."""
        require(self.actor, self.admin_ids, Action.MANAGE_STAFF)
        if not private:
            raise InviteRefused("not_private")
        if (role is None) == (city_id is None) or (role is not None and role not in STAFF):
            raise InviteRefused("unknown")
        if city_id is not None:
            city = await self.session.get(City, city_id)
            if city is None or not city.listed:
                raise InviteRefused("unknown_city")
        now = utcnow()
        row = Invite(
            token=rules.new_token(),
            role=role,
            city_id=city_id,
            created_by=self.actor.telegram_id,
            created_at=now,
            expires_at=rules.expiry(now, days),
        )
        self.session.add(row)
        await self.session.commit()
        return invite_of(row)

    async def redeem(self, token: str, now: datetime | None = None) -> Redeemed:
        """The acting person takes what the invite gives, if it is still unused and valid. A
        link for admin or presidency is only claimed: the admin who made it is asked."""
        now = now or utcnow()
        row = await invite_with_token(self.session, token) if rules.well_formed(token) else None
        if row is None:
            raise InviteRefused("unknown")
        problem = invite_of(row).problem(now)
        if problem is not None:
            raise InviteRefused(problem)
        account = self.actor
        if row.role is not None:
            refused = role_change_problem(role_of(account, self.admin_ids), Role(row.role))
            if refused is not None:
                raise refused  # the link stays unused, for the person it was meant for
        if not await use_invite(self.session, row.id, account.telegram_id, now):
            # Someone else redeemed it a moment ago.
            raise InviteRefused("used")
        city = None
        if row.role is not None and needs_confirmation(row.role):
            admin = await self.session.get(Account, row.created_by)
            told = notify.invite_opened(
                self.member(account),
                row.id,
                Role(row.role),
                row.created_by,
                admin.language if admin else None,
                self.audience.voice,
            )
            await post(self.session, told)
            await self.session.commit()
            return Redeemed(Role(row.role), None, pending=True)
        if row.role is not None:
            account.role = row.role
        else:
            city_row = await self.session.get(City, row.city_id)
            assert city_row is not None
            city = member_city(city_row)
            if account.city_id != city.id:
                account.active_dossier_id = None
            account.city_id, account.city_name, account.country = city.id, city.name, city.country
            # The admin who made the link vouches for the focal point.
            account.verification = Verification.VERIFIED
            account.verified_by, account.verified_at = row.created_by, now
            account.refusal_reason = None
        await self.session.commit()
        return Redeemed(Role(row.role) if row.role else None, city)

    async def decide(self, invite_id: int, confirmed: bool) -> Decided:
        """The admin who made a link for admin or presidency confirms (the role applies) or
        declines the person who opened it; once. The person is told, in their language."""
        require(self.actor, self.admin_ids, Action.MANAGE_STAFF)
        row = await self.session.get(Invite, invite_id)
        if row is None or row.created_by != self.actor.telegram_id or row.role is None:
            raise InviteRefused("unknown")
        person = await self.session.get(Account, row.used_by) if row.used_by else None
        if person is None:
            raise InviteRefused("unknown")
        role = Role(row.role)
        if confirmed:
            refused = role_change_problem(role_of(person, self.admin_ids), role)
            if refused is not None:  # their role changed since they opened the link
                raise refused
        if not await decide_invite(
            self.session, row.id, self.actor.telegram_id, confirmed, utcnow()
        ):
            raise InviteRefused("decided")
        if confirmed:
            person.role = role
        voice = self.audience.voice
        told = notify.invite_decided(person.telegram_id, person.language, role, confirmed, voice)
        await post(self.session, told)
        await self.session.commit()
        return Decided(self.member(person), role, confirmed)
