"""One-time invite links: created by admins, redeemed once by whoever opens them in time."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import invites as rules
from bot.domain.cities import MemberCity
from bot.domain.people import Verification
from bot.domain.refusals import Refused
from bot.domain.roles import STAFF, Action, Role
from bot.services.cities import member_city
from bot.services.rights import require
from storage.invites import invite_with_token, use_invite
from storage.models import Account, City, Invite
from storage.types import utcnow


class InviteRefused(Refused):
    """`unknown` (no such token: forged or mistyped), `used`, `expired`, `unknown_city`."""


@dataclass(frozen=True)
class Redeemed:
    role: Role | None
    city: MemberCity | None


def invite_of(row: Invite) -> rules.Invite:
    return rules.Invite(row.token, row.role, row.city_id, row.expires_at, row.used_by)


class Invites:
    def __init__(self, session: AsyncSession, actor: Account, admin_ids: tuple[int, ...]) -> None:
        self.session = session
        self.actor = actor
        self.admin_ids = admin_ids

    async def create(
        self, days: int, role: Role | None = None, city_id: int | None = None
    ) -> rules.Invite:
        """A new link for a staff role, or for a focal point of a listed city."""
        require(self.actor, self.admin_ids, Action.MANAGE_STAFF)
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
        """The acting person takes what the invite gives, if it is still unused and valid."""
        now = now or utcnow()
        row = await invite_with_token(self.session, token) if rules.well_formed(token) else None
        if row is None:
            raise InviteRefused("unknown")
        problem = invite_of(row).problem(now)
        if problem is not None:
            raise InviteRefused(problem)
        if not await use_invite(self.session, row.id, self.actor.telegram_id, now):
            # Someone else redeemed it a moment ago.
            raise InviteRefused("used")
        account = self.actor
        city = None
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
