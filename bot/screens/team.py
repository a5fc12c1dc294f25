"""The people with a staff role: the list, granting and revoking, and invite links (/staff)."""

from datetime import datetime

from aiogram import html
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.cities import MemberCity
from bot.domain.dates import format_long
from bot.domain.invites import GRANTABLE
from bot.domain.people import StaffMember
from bot.domain.refusals import Refused
from bot.domain.roles import ROLE_LABELS, Role
from bot.screens.base import Screen
from bot.screens.cities import city_label
from bot.screens.common import fill, locale
from bot.telegram.people_callbacks import InviteButton, StaffButton


def _button(text: str, **data: int | str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=StaffButton(**data).pack())  # type: ignore[arg-type]


def role_label(role: str) -> str:
    label = ROLE_LABELS.get(role)  # type: ignore[call-overload]
    return _(label) if label else role


def member_line(member: StaffMember) -> str:
    line = f"• {html.quote(member.name)} (<code>{member.telegram_id}</code>) · "
    line += html.quote(role_label(member.role))
    if member.configured:
        line += " · ADMIN_IDS"
    return line


def staff_screen(members: list[StaffMember], me: int) -> Screen:
    lines = ["<b>" + _("Staff") + "</b>", *(member_line(m) for m in members)]
    revocable = [m for m in members if not m.configured and m.telegram_id != me]
    rows = [
        [
            _button(
                _("✖ Revoke {name}").format(name=m.name[:40]),
                action="revoke",
                person=m.telegram_id,
                role=m.role,
            )
        ]
        for m in revocable
    ]
    rows.append(
        [
            _button(_("➕ Grant a role"), action="grant"),
            _button(_("🔗 Invite link"), action="invite"),
        ]
    )
    return Screen("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows))


def grant_prompt() -> str:
    return _(
        "Whom? Send their Telegram user id (digits). They must have written to the bot once; "
        "otherwise send them an invite link."
    )


def roles_screen(member: StaffMember) -> Screen:
    text = _("Which role for {name}? Now: {role}.").format(
        name=html.quote(member.name), role=html.quote(role_label(member.role))
    )
    rows = [
        [_button(role_label(role), action="role", person=member.telegram_id, role=role)]
        for role in GRANTABLE
        if role != member.role
    ]
    rows.append([_button(_("✖ Not now"), action="list")])
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=rows))


def _confirm(text: str, yes: str, data: dict[str, int | str]) -> Screen:
    rows = [[_button(yes, **data), _button(_("✖ Not now"), action="list")]]
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=rows))


def grant_confirm(member: StaffMember, role: Role) -> Screen:
    text = _("Give {name} the role “{role}”?").format(
        name=html.quote(member.name), role=html.quote(role_label(role))
    )
    data = {"action": "grant_ok", "person": member.telegram_id, "role": role}
    return _confirm(text, _("✅ Yes, grant"), data)


def revoke_confirm(member: StaffMember) -> Screen:
    text = _("Take the role “{role}” away from {name}? They become a city official again.").format(
        name=html.quote(member.name), role=html.quote(role_label(member.role))
    )
    data = {"action": "revoke_ok", "person": member.telegram_id, "role": member.role}
    return _confirm(text, _("✖ Yes, revoke"), data)


def granted_text(member: StaffMember) -> str:
    return _("✅ {name} now has the role “{role}”.").format(
        name=html.quote(member.name), role=html.quote(role_label(member.role))
    )


def revoked_text(member: StaffMember) -> str:
    return _("✖ {name} no longer has a staff role.").format(name=html.quote(member.name))


def told_role(role: str) -> str:
    """What the person is told (in their language) when their role changes."""
    if role == Role.APPLICANT:
        return _("Your staff role has been taken away: you are a city official again.")
    return _("You now have the role “{role}” in the AIMF bot. /help").format(
        role=html.quote(role_label(role))
    )


def staff_refusal(problem: Refused) -> str:
    if problem.code == "moved":  # another admin changed the role a moment ago
        return _("This is no longer possible: {name} is now “{role}”.").format(
            name=problem.details["name"][:60], role=role_label(problem.details["role"])
        )
    texts = {
        "unknown_person": _(
            "This person has not written to the bot yet: send them an invite link instead."
        ),
        "configured_admin": _("This person is an admin through ADMIN_IDS: their role stays."),
        "self": _("You cannot change your own role: ask another admin."),
        "last_admin": _("This is the last admin: grant the role to someone else first."),
        "same_role": _("This person already has this role."),
        "stale": _("This button is no longer valid."),
    }
    return texts.get(problem.code, _("This button is no longer valid."))


def invite_screen(days: int) -> Screen:
    text = ngettext(
        "An invite link works once, for {days} day. What does it give?",
        "An invite link works once, for {days} days. What does it give?",
        days,
    ).format(days=days)
    rows = [[_button(role_label(role), action="inv_role", role=role)] for role in GRANTABLE]
    rows.append([_button(_("🏙 A city's focal point"), action="inv_city")])
    rows.append([_button(_("✖ Not now"), action="list")])
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=rows))


def invite_city_prompt() -> str:
    return _("For which member city? Type its name.")


def invite_cities_screen(matches: list[MemberCity]) -> Screen:
    if not matches:
        return Screen(_("No member city has this name. /cities shows the list."))
    rows = [[_button(city_label(city)[:60], action="inv_city", city=city.id)] for city in matches]
    return Screen(_("Which one?"), InlineKeyboardMarkup(inline_keyboard=rows))


def city_invite_label(city: MemberCity) -> str:
    return fill(_("Focal point of {city}"), city=city_label(city))


def invite_text(link: str, expires_at: datetime, gives: str) -> str:
    return "\n".join(
        [
            "<b>" + _("🔗 Invite link") + "</b>",
            _("Gives: {what}").format(what=html.quote(gives)),
            _("Valid once, until {day}.").format(day=format_long(expires_at.date(), locale())),
            html.quote(link),
        ]
    )


def invite_refusal(problem: Refused) -> str:
    if problem.code == "used":
        return _("This invite link has already been used. Ask the Secretariat for a new one.")
    if problem.code == "expired":
        return _("This invite link has expired. Ask the Secretariat for a new one.")
    if problem.code == "same_role":
        return _("You already have this role: the link was not used.")
    if problem.code == "staff_role":
        return _(
            "You already have the role “{role}”: this link would replace it, so it was not used. "
            "An admin changes roles with /staff."
        ).format(role=html.quote(role_label(problem.details.get("role", ""))))
    if problem.code == "not_private":
        return _(
            "Invite links are made only in a private chat with me, so that nobody else sees "
            "them: send me /staff privately."
        )
    if problem.code == "decided":
        return _("This request has already been answered.")
    return _("This invite link is not valid. Check it, or ask the Secretariat for a new one.")


def invite_pending(role: str) -> str:
    """To the person who opened a link for admin or presidency."""
    return _(
        "⏳ The admin who made this link is asked to confirm that it is you. The role “{role}” "
        "applies once they do; I will tell you."
    ).format(role=html.quote(role_label(role)))


def invite_request(member: StaffMember, invite_id: int, role: str) -> Screen:
    """To the admin who made the link, privately: who opened it, and "Confirm" / "Refuse"."""
    text = _(
        "🔗 {name}, id {id}, wants to use your invite link for the role “{role}”. Is it the "
        "person you sent it to?"
    ).format(
        name=html.quote(member.name),
        id=f"<code>{member.telegram_id}</code>",
        role=html.quote(role_label(role)),
    )
    rows = [
        [
            InlineKeyboardButton(
                text=_("✅ Confirm"),
                callback_data=InviteButton(action="ok", invite=invite_id).pack(),
            ),
            InlineKeyboardButton(
                text=_("✖ Refuse"), callback_data=InviteButton(action="no", invite=invite_id).pack()
            ),
        ]
    ]
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=rows))


def invite_decided(member: StaffMember, role: str, confirmed: bool) -> str:
    """To the admin, once they answered."""
    if confirmed:
        return _("✅ {name} now has the role “{role}”.").format(
            name=html.quote(member.name), role=html.quote(role_label(role))
        )
    return _("✖ {name} did not get the role “{role}”; the link cannot be used again.").format(
        name=html.quote(member.name), role=html.quote(role_label(role))
    )


def told_invite(role: str, confirmed: bool) -> str:
    """To the person who opened the link, in their language, once the admin answered."""
    if confirmed:
        return told_role(role)
    return _("✖ The admin who made the invite link did not confirm it: your role has not changed.")


def invite_welcome(role: str | None, city: MemberCity | None) -> str:
    if city is not None:
        return fill(
            _("✅ Welcome! You are now the focal point of {city}."),
            city=html.quote(city_label(city)),
        )
    return _("✅ Welcome! You now have the role “{role}”.").format(
        role=html.quote(role_label(role or ""))
    )
