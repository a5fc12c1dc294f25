"""What people's events tell whom: a registration (the Secretariat's card, then the person told
the decision), an invite link for admin or presidency (its maker asked, then the person told),
a staff role given or taken away."""

from bot.domain.people import Registration, StaffMember
from bot.domain.roles import Role
from bot.notify.notice import CardMode, Notice, card_of
from bot.notify.readers import Audience, Voice, dump
from bot.screens.registrations import registration_card, told_outcome
from bot.screens.team import invite_request, told_invite, told_role


def _card(registration: Registration) -> str:
    return card_of("registration", registration.telegram_id)


def registered(registration: Registration, audience: Audience) -> list[Notice]:
    """A profile complete for the first time: the Secretariat's card, in that chat's language,
    with "verify" and "refuse" (none when an invite vouched for the person)."""
    chat = audience.secretariat
    if chat is None:
        return []
    screen = audience.voice(chat.language, lambda: registration_card(registration))
    # A new card each time (a new city, say); the one before stays (its buttons say "changed").
    key, markup = _card(registration), dump(screen.markup)
    return [Notice(chat.chat_id, screen.text, markup, card=key, mode=CardMode.NEW)]


def verified(registration: Registration, audience: Audience) -> list[Notice]:
    """A registration decided (verified or refused): the person told in their language, and the
    buttons of the card in the Secretariat's chat gone, wherever the decision was taken."""
    told = Notice(
        registration.telegram_id,
        audience.voice(registration.language, lambda: told_outcome(registration)),
    )
    chat = audience.secretariat
    if chat is None:
        return [told]
    return [told, Notice(chat.chat_id, card=_card(registration), mode=CardMode.EDIT_ONLY)]


def invite_opened(
    member: StaffMember, invite_id: int, role: Role, maker: int, language: str | None, voice: Voice
) -> list[Notice]:
    """A link for admin or presidency opened: its maker asked, in their language, to confirm."""
    screen = voice(language, lambda: invite_request(member, invite_id, role))
    return [Notice(maker, screen.text, dump(screen.markup))]


def invite_decided(
    person: int, language: str | None, role: Role, confirmed: bool, voice: Voice
) -> list[Notice]:
    """The maker confirmed or declined: the person who opened the link told in their language."""
    return [Notice(person, voice(language, lambda: told_invite(role, confirmed)))]


def role_changed(person: int, language: str | None, role: Role, voice: Voice) -> list[Notice]:
    """A staff role given (or taken away: `role` is then the applicant's)."""
    return [Notice(person, voice(language, lambda: told_role(role)))]
