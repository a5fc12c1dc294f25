"""/staff (admins, in any chat): the staff list, granting and revoking roles with confirmation,
and one-time invite links."""

import logging

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.conversation.menus import refresh_menu
from bot.conversation.rights import allowed, stale
from bot.domain.invites import GRANTABLE, invite_link
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
    invite_refusal,
    invite_screen,
    invite_text,
    revoke_confirm,
    revoked_text,
    role_label,
    roles_screen,
    staff_refusal,
    staff_screen,
)
from bot.services.acting import Acting
from bot.services.cities import Cities
from bot.services.invites import InviteRefused, Invites
from bot.services.team import Staff, StaffRefused
from bot.telegram.people_callbacks import InviteButton, StaffButton
from bot.telegram.reply import Reply
from handlers.notes import Asked, NoteHandler, Purpose, ask_note

log = logging.getLogger(__name__)


async def show_staff(
    query: CallbackQuery | None = None, *, acting: Acting, reply: Reply, staff: Staff
) -> None:
    screen = staff_screen(await staff.members(), acting.person.telegram_id)
    message = query.message if query is not None else None
    if isinstance(message, Message):
        try:
            await message.edit_text(screen.text, reply_markup=screen.markup)
            return
        except TelegramBadRequest:
            log.debug("could not edit the staff message; sending it again")
    await reply.send(screen)


def _private(*, acting: Acting, reply: Reply) -> bool:
    """In the admin's own private chat with the bot (where an invite link may be shown)."""
    return reply.chat_id == acting.person.telegram_id


async def _send_invite(
    role: Role | None = None,
    city_id: int | None = None,
    *,
    acting: Acting,
    reply: Reply,
    cities: Cities,
    invites: Invites,
    settings: Settings,
) -> bool:
    try:
        invite = await invites.create(
            settings.invite_days,
            role=role,
            city_id=city_id,
            private=_private(acting=acting, reply=reply),
        )
    except InviteRefused:
        return False
    me = await reply.bot.me()
    if role is not None:
        gives = role_label(role)
    else:
        city = await cities.get(city_id or 0)
        assert city is not None
        gives = city_invite_label(city)
    link = invite_link(me.username or "", invite.token)
    await reply.send(Screen(invite_text(link, invite.expires_at, gives)))
    return True


def router() -> Router:
    r = Router(name="staff")

    @r.message(Command("staff"))
    async def staff(message: Message, *, acting: Acting, reply: Reply, staff: Staff) -> None:
        if await allowed(Action.MANAGE_STAFF, acting=acting, reply=reply):
            await show_staff(acting=acting, reply=reply, staff=staff)

    @r.callback_query(InviteButton.filter(F.action.in_({"ok", "no"})))
    async def invite_answer(
        query: CallbackQuery,
        callback_data: InviteButton,
        *,
        acting: Acting,
        reply: Reply,
        invites: Invites,
        settings: Settings,
        i18n: I18n,
    ) -> None:
        """The maker of a link for admin or presidency confirms or declines who opened it."""
        if not await allowed(Action.MANAGE_STAFF, query, acting=acting, reply=reply):
            return
        confirmed = callback_data.action == "ok"
        try:
            decided = await invites.decide(callback_data.invite, confirmed)
        except InviteRefused as problem:
            await query.answer(invite_refusal(problem), show_alert=True)
            return
        if decided.confirmed:
            person = decided.person
            await refresh_menu(
                person.telegram_id,
                decided.role,
                person.language,
                reply=reply,
                settings=settings,
                i18n=i18n,
            )
        await query.answer()
        if isinstance(query.message, Message):
            try:
                await query.message.edit_reply_markup(reply_markup=None)
            except TelegramBadRequest:
                log.debug("request already without buttons")
        await reply.send(Screen(invite_decided(decided.person, decided.role, decided.confirmed)))

    @r.callback_query(StaffButton.filter())
    async def button(
        query: CallbackQuery,
        callback_data: StaffButton,
        *,
        acting: Acting,
        reply: Reply,
        state: FSMContext,
        cities: Cities,
        staff: Staff,
        invites: Invites,
        settings: Settings,
        i18n: I18n,
    ) -> None:
        if not await allowed(Action.MANAGE_STAFF, query, acting=acting, reply=reply):
            return
        data = callback_data
        role = Role(data.role) if data.role in GRANTABLE else None
        if data.action == "list":
            await query.answer()
            await show_staff(query, acting=acting, reply=reply, staff=staff)
        elif data.action == "grant":
            await query.answer()
            await ask_note(Purpose.STAFF_GRANT, 0, grant_prompt(), reply=reply, state=state)
        elif data.action == "role" and role is not None:
            member = await staff.person(data.person)
            if member is None or member.configured:
                await stale(query)
                return
            await query.answer()
            await reply.send(grant_confirm(member, role))
        elif data.action == "grant_ok" and role is not None:
            await _change(
                query, data.person, role, reply=reply, staff=staff, settings=settings, i18n=i18n
            )
        elif data.action == "revoke":
            member = await staff.person(data.person)
            if member is None or member.configured or member.role != data.role:
                await stale(query)
                return
            await query.answer()
            await reply.send(revoke_confirm(member))
        elif data.action == "revoke_ok" and data.role:
            await _change(
                query,
                data.person,
                None,
                expected=data.role,
                reply=reply,
                staff=staff,
                settings=settings,
                i18n=i18n,
            )
        elif data.action in ("invite", "inv_role", "inv_city") and not _private(
            acting=acting, reply=reply
        ):
            # Never in a group: whoever in it opened the link first would take the role.
            await query.answer(invite_refusal(InviteRefused("not_private")), show_alert=True)
        elif data.action == "invite":
            await query.answer()
            await reply.send(invite_screen(settings.invite_days))
        elif data.action == "inv_role" and role is not None:
            await query.answer()
            await _send_invite(
                role=role,
                acting=acting,
                reply=reply,
                cities=cities,
                invites=invites,
                settings=settings,
            )
        elif data.action == "inv_city" and data.city == 0:
            await query.answer()
            await ask_note(Purpose.INVITE_CITY, 0, invite_city_prompt(), reply=reply, state=state)
        elif data.action == "inv_city":
            if not await _send_invite(
                city_id=data.city,
                acting=acting,
                reply=reply,
                cities=cities,
                invites=invites,
                settings=settings,
            ):
                await stale(query)
                return
            await query.answer()
        else:
            await stale(query)

    return r


async def _change(
    query: CallbackQuery,
    person: int,
    role: Role | None,
    expected: str = "",
    *,
    reply: Reply,
    staff: Staff,
    settings: Settings,
    i18n: I18n,
) -> None:
    """Grant `role`, or revoke the role `expected` (what the confirmation showed)."""
    try:
        if role is not None:
            member = await staff.grant(person, role)
            text = granted_text(member)
        else:
            member = await staff.revoke(person, expected)
            text = revoked_text(member)
    except StaffRefused as problem:
        await query.answer(staff_refusal(problem), show_alert=True)
        return
    await refresh_menu(
        member.telegram_id,
        member.role,
        member.language,
        revoked=role is None,
        reply=reply,
        settings=settings,
        i18n=i18n,
    )
    await query.answer()
    if isinstance(query.message, Message):
        try:
            await query.message.edit_reply_markup(reply_markup=None)
        except TelegramBadRequest:
            log.debug("confirmation already without buttons")
    await reply.send(Screen(text))


def notes() -> dict[Purpose, NoteHandler]:
    return {Purpose.STAFF_GRANT: _grant_whom, Purpose.INVITE_CITY: _invite_city}


async def _grant_whom(
    asked: Asked, text: str, *, acting: Acting, reply: Reply, state: FSMContext, staff: Staff
) -> None:
    if not await allowed(Action.MANAGE_STAFF, acting=acting, reply=reply):
        return
    digits = text.strip().lstrip("@")
    if not digits.isdigit() or len(digits) > 15:
        again = "⚠️ " + _("Digits only, e.g. 123456789.") + "\n\n" + grant_prompt()
        await ask_note(Purpose.STAFF_GRANT, 0, again, reply=reply, state=state)
        return
    member = await staff.person(int(digits))
    if member is None or member.configured:
        code = "unknown_person" if member is None else "configured_admin"
        await reply.send(Screen("⚠️ " + staff_refusal(StaffRefused(code))))
        return
    await reply.send(roles_screen(member))


async def _invite_city(
    asked: Asked, text: str, *, acting: Acting, reply: Reply, cities: Cities
) -> None:
    if not await allowed(Action.MANAGE_STAFF, acting=acting, reply=reply):
        return
    await reply.send(invite_cities_screen(await cities.search(text)))
