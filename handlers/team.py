"""/staff (admins, in any chat): the staff list, granting and revoking roles with confirmation,
and one-time invite links."""

import logging

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.invites import GRANTABLE, InviteRefused, invite_link
from bot.domain.people import StaffMember, StaffRefused
from bot.domain.roles import Action, Role
from bot.screens.base import Screen
from bot.screens.team import (
    city_invite_label,
    grant_confirm,
    grant_prompt,
    granted_text,
    invite_cities_screen,
    invite_city_prompt,
    invite_decided,
    invite_screen,
    invite_text,
    revoke_confirm,
    revoked_text,
    role_label,
    roles_screen,
    staff_screen,
)
from bot.services.rights import NotAllowed
from bot.telegram.context import Context
from bot.telegram.people_callbacks import InviteButton, StaffButton
from handlers.menus import refresh_menu
from handlers.notes import Asked, NoteHandler, Purpose, ask_note
from handlers.rights import allowed

log = logging.getLogger(__name__)


async def show_staff(ctx: Context, query: CallbackQuery | None = None) -> None:
    screen = staff_screen(await ctx.staff.members(), ctx.person.telegram_id)
    message = query.message if query is not None else None
    if isinstance(message, Message):
        try:
            await message.edit_text(screen.text, reply_markup=screen.markup)
            return
        except TelegramBadRequest:
            log.debug("could not edit the staff message; sending it again")
    await ctx.send(screen)


def _private(ctx: Context) -> bool:
    """In the admin's own private chat with the bot (where an invite link may be shown)."""
    return ctx.chat_id == ctx.person.telegram_id


def _admin(ctx: Context) -> None:
    """Only an admin manages people (their role as stored now); the glue says so otherwise."""
    if not ctx.may(Action.MANAGE_STAFF):
        raise NotAllowed(Action.MANAGE_STAFF)


def _inviting(ctx: Context) -> None:
    """An admin, in a private chat: in a group, whoever opened a link first would take it."""
    _admin(ctx)
    if not _private(ctx):
        raise InviteRefused("not_private")


def _role(data: StaffButton) -> Role:
    """The role a button names, one a link or a grant may give (callback data is forged at will)."""
    if data.role not in GRANTABLE:
        raise StaffRefused("stale")
    return Role(data.role)


async def _send_invite(ctx: Context, role: Role | None = None, city_id: int | None = None) -> None:
    invite = await ctx.invites.create(
        ctx.settings.invite_days, role=role, city_id=city_id, private=_private(ctx)
    )  # refused (a city no longer listed, say): the glue says why
    me = await ctx.bot.me()
    if role is not None:
        gives = role_label(role)
    else:
        city = await ctx.cities.get(city_id or 0)
        assert city is not None
        gives = city_invite_label(city)
    link = invite_link(me.username or "", invite.token)
    await ctx.send(Screen(invite_text(link, invite.expires_at, gives)))


async def _drop_buttons(query: CallbackQuery, what: str) -> None:
    if isinstance(query.message, Message):
        try:
            await query.message.edit_reply_markup(reply_markup=None)
        except TelegramBadRequest:
            log.debug("%s already without buttons", what)


def router() -> Router:
    r = Router(name="staff")

    @r.message(Command("staff"))
    async def staff(message: Message, ctx: Context) -> None:
        if await allowed(ctx, Action.MANAGE_STAFF):
            await show_staff(ctx)

    @r.callback_query(InviteButton.filter(F.action.in_({"ok", "no"})))
    async def invite_answer(
        query: CallbackQuery, callback_data: InviteButton, ctx: Context
    ) -> None:
        """The maker of a link for admin or presidency confirms or declines who opened it."""
        _admin(ctx)
        decided = await ctx.invites.decide(callback_data.invite, callback_data.action == "ok")
        if decided.confirmed:
            person = decided.person
            await refresh_menu(ctx, person.telegram_id, decided.role, person.language)
        await query.answer()
        await _drop_buttons(query, "request")
        await ctx.send(Screen(invite_decided(decided.person, decided.role, decided.confirmed)))

    @r.callback_query(StaffButton.filter(F.action == "list"))
    async def listing(query: CallbackQuery, ctx: Context) -> None:
        _admin(ctx)
        await query.answer()
        await show_staff(ctx, query)

    @r.callback_query(StaffButton.filter(F.action == "grant"))
    async def grant(query: CallbackQuery, ctx: Context) -> None:
        _admin(ctx)
        await query.answer()
        await ask_note(ctx, Purpose.STAFF_GRANT, 0, grant_prompt())

    @r.callback_query(StaffButton.filter(F.action == "role"))
    async def role(query: CallbackQuery, callback_data: StaffButton, ctx: Context) -> None:
        """A role chosen for someone: asked to confirm."""
        _admin(ctx)
        chosen = _role(callback_data)
        member = await ctx.staff.shown(callback_data.person)
        await query.answer()
        await ctx.send(grant_confirm(member, chosen))

    @r.callback_query(StaffButton.filter(F.action == "grant_ok"))
    async def grant_ok(query: CallbackQuery, callback_data: StaffButton, ctx: Context) -> None:
        _admin(ctx)
        member = await ctx.staff.grant(callback_data.person, _role(callback_data))
        await _changed(ctx, query, member, granted_text(member), revoked=False)

    @r.callback_query(StaffButton.filter(F.action == "revoke"))
    async def revoke(query: CallbackQuery, callback_data: StaffButton, ctx: Context) -> None:
        """A role to take away: asked to confirm, if the person still has the role shown."""
        _admin(ctx)
        member = await ctx.staff.shown(callback_data.person, callback_data.role)
        await query.answer()
        await ctx.send(revoke_confirm(member))

    @r.callback_query(StaffButton.filter(F.action == "revoke_ok"))
    async def revoke_ok(query: CallbackQuery, callback_data: StaffButton, ctx: Context) -> None:
        """The role the confirmation showed is taken away (a role changed since: stale)."""
        _admin(ctx)
        member = await ctx.staff.revoke(callback_data.person, callback_data.role)
        await _changed(ctx, query, member, revoked_text(member), revoked=True)

    @r.callback_query(StaffButton.filter(F.action == "invite"))
    async def invite(query: CallbackQuery, ctx: Context) -> None:
        _inviting(ctx)
        await query.answer()
        await ctx.send(invite_screen(ctx.settings.invite_days))

    @r.callback_query(StaffButton.filter(F.action == "inv_role"))
    async def invite_role(query: CallbackQuery, callback_data: StaffButton, ctx: Context) -> None:
        _inviting(ctx)
        chosen = _role(callback_data)
        await query.answer()
        await _send_invite(ctx, role=chosen)

    @r.callback_query(StaffButton.filter(F.action == "inv_city"))
    async def invite_city(query: CallbackQuery, callback_data: StaffButton, ctx: Context) -> None:
        """A link for a city's focal point: the city is asked first (0), then the link made."""
        _inviting(ctx)
        if callback_data.city == 0:
            await query.answer()
            await ask_note(ctx, Purpose.INVITE_CITY, 0, invite_city_prompt())
            return
        await _send_invite(ctx, city_id=callback_data.city)
        await query.answer()

    @r.callback_query(StaffButton.filter())
    async def unknown(query: CallbackQuery, ctx: Context) -> None:
        """Any other action: an old or forged button."""
        _admin(ctx)
        raise StaffRefused("stale")

    return r


async def _changed(
    ctx: Context, query: CallbackQuery, member: StaffMember, text: str, *, revoked: bool
) -> None:
    """A role granted or revoked: the person's menu follows, the confirmation loses its buttons."""
    await refresh_menu(ctx, member.telegram_id, member.role, member.language, revoked=revoked)
    await query.answer()
    await _drop_buttons(query, "confirmation")
    await ctx.send(Screen(text))


def notes() -> dict[Purpose, NoteHandler]:
    return {Purpose.STAFF_GRANT: _grant_whom, Purpose.INVITE_CITY: _invite_city}


async def _grant_whom(ctx: Context, asked: Asked, text: str) -> None:
    if not await allowed(ctx, Action.MANAGE_STAFF):
        return
    digits = text.strip().lstrip("@")
    if not digits.isdigit() or len(digits) > 15:
        again = "⚠️ " + _("Digits only, e.g. 123456789.") + "\n\n" + grant_prompt()
        await ask_note(ctx, Purpose.STAFF_GRANT, 0, again)
        return
    await ctx.send(roles_screen(await ctx.staff.candidate(int(digits))))


async def _invite_city(ctx: Context, asked: Asked, text: str) -> None:
    if not await allowed(ctx, Action.MANAGE_STAFF):
        return
    await ctx.send(invite_cities_screen(await ctx.cities.search(text)))
