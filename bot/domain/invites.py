"""One-time invite links: `https://t.me/<bot>?start=<token>` gives a staff role, or ties a focal
point to a member city, once, before it expires."""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.refusals import Refused
from bot.domain.roles import STAFF, Role

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # what Telegram lets a deep link carry
TOKEN_BYTES = 24  # 32 characters
GRANTABLE = (Role.SECRETARIAT, Role.COMMISSION, Role.PRESIDENCY, Role.ADMIN)
assert set(GRANTABLE) == STAFF


class InviteRefused(Refused):
    """`unknown` (no such token: forged or mistyped), `used`, `expired`, `unknown_city`,
    `not_private` (a link is made in a private chat only), `same_role`, `staff_role` (the
    person is staff already: a link would swap or lower their role; with `role`), `decided`
    (the confirmation was answered already)."""


def new_token() -> str:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    assert TOKEN_PATTERN.match(token)
    return token


def well_formed(token: str) -> bool:
    return bool(TOKEN_PATTERN.match(token))


def invite_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={token}"


def expiry(created_at: datetime, days: int) -> datetime:
    return created_at + timedelta(days=days)


@dataclass(frozen=True)
class Invite:
    token: str
    role: str | None
    city_id: int | None
    expires_at: datetime
    used_by: int | None = None

    def problem(self, now: datetime) -> str | None:
        """Why it cannot be redeemed now (`used`, `expired`), or None."""
        if self.used_by is not None:
            return "used"
        if now >= self.expires_at:
            return "expired"
        return None
