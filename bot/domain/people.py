"""People as the Secretariat sees them: its staff, and the registrations it verifies."""

from dataclasses import dataclass

from bot.domain.forms import N_, AnswerRole
from bot.domain.machine import Machine, Needs, move
from bot.domain.profile_form import PROFILE_FORM
from bot.domain.refusals import Refused
from bot.domain.roles import Action, Role


class StaffRefused(Refused):
    """`unknown_person`, `configured_admin`, `self`, `last_admin`, `stale` (the button shows
    what is no longer so, or was forged), `same_role`, `moved` (another admin changed the role a
    moment ago: `name`, `role` as it is now)."""


class VerificationRefused(Refused):
    """`unknown` (no such registration), `decided` (already verified or refused: `registration`
    says which), `changed` (the person has since changed city: a new card was or will be sent)."""


class Verification:
    PENDING = "pending"
    VERIFIED = "verified"
    REFUSED = "refused"


# A finished registration waits for the Secretariat's decision (a table of bot/domain/machine.py).
REGISTRATION_MACHINE = Machine(
    "registration",
    (Verification.PENDING, Verification.VERIFIED, Verification.REFUSED),
    (
        move("ok", Verification.PENDING, Verification.VERIFIED, Action.VERIFY_PEOPLE,
             N_("✅ Verify")),
        move("no", Verification.PENDING, Verification.REFUSED, Action.VERIFY_PEOPLE,
             N_("✖ Refuse"), Needs.NOTE,
             N_("Why is the registration of {name} refused? They will read your reason.")),
    ),
    {},
)  # fmt: skip


@dataclass(frozen=True)
class StaffMember:
    telegram_id: int
    name: str
    role: Role
    configured: bool = False  # in ADMIN_IDS: an admin whatever is stored
    language: str | None = None  # what they read the bot in (their menu's language)


@dataclass(frozen=True)
class Registration:
    """A focal point's profile, for the Secretariat's card and its decision."""

    telegram_id: int
    first_name: str
    language: str | None
    profile: dict[str, str]
    listed: bool  # tied to a city of the member list
    verification: str = Verification.PENDING
    refusal_reason: str | None = None
    city_id: int | None = None  # the city this registration is for (its card's buttons name it)

    @property
    def name(self) -> str:
        named = PROFILE_FORM.read(self.profile).text(AnswerRole.NAME)
        return named or self.first_name or str(self.telegram_id)
