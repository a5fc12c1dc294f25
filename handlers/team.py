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
from bot.conversation.notes import Asked, NoteHandler, Purpose, ask_note
from bot.conversation.rights import allowed
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
from bot.services.acting import Acting
from bot.services.cities import Cities
from bot.services.invites import Invites
from bot.services.rights import NotAllowed
from bot.services.team import Staff
from bot.telegram.people_callbacks import InviteButton, StaffButton
from bot.telegram.reply import Reply

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


def _admin(*, acting: Acting) -> None:
    """Only an admin manages people (their role as stored now); the glue says so otherwise."""
    if not acting.may(Action.MANAGE_STAFF):
        raise NotAllowed(Action.MANAGE_STAFF)


def _inviting(*, acting: Acting, reply: Reply) -> None:
    """An admin, in a private chat: in a group, whoever opened a link first would take it."""
    _admin(acting=acting)
    if not _private(acting=acting, reply=reply):
        raise InviteRefused("not_private")


def _role(data: StaffButton) -> Role:
    """The role a button names, one a link or a grant may give (callback data is forged at will)."""
    if data.role not in GRANTABLE:
        raise StaffRefused("stale")
    return Role(data.role)


async def _send_invite(
    role: Role | None = None,
    city_id: int | None = None,
    *,
    acting: Acting,
    reply: Reply,
    cities: Cities,
    invites: Invites,
    settings: Settings,
) -> None:
    invite = await invites.create(
        settings.invite_days,
        role=role,
        city_id=city_id,
        private=_private(acting=acting, reply=reply),
    )  # refused (a city no longer listed, say): the glue says why
    me = await reply.bot.me()
    if role is not None:
        gives = role_label(role)
    else:
        city = await cities.get(city_id or 0)
        assert city is not None
        gives = city_invite_label(city)
    link = invite_link(me.username or "", invite.token)
    await reply.send(Screen(invite_text(link, invite.expires_at, gives)))


async def _drop_buttons(query: CallbackQuery, what: str) -> None:
    if isinstance(query.message, Message):
        try:
            await query.message.edit_reply_markup(reply_markup=None)
        except TelegramBadRequest:
            log.debug("%s already without buttons", what)


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
        _admin(acting=acting)
        decided = await invites.decide(callback_data.invite, callback_data.action == "ok")
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
        await _drop_buttons(query, "request")
        await reply.send(Screen(invite_decided(decided.person, decided.role, decided.confirmed)))

    @r.callback_query(StaffButton.filter(F.action == "list"))
    async def listing(query: CallbackQuery, *, acting: Acting, reply: Reply, staff: Staff) -> None:
        _admin(acting=acting)
        await query.answer()
        await show_staff(query, acting=acting, reply=reply, staff=staff)

    @r.callback_query(StaffButton.filter(F.action == "grant"))
    async def grant(
        query: CallbackQuery, *, acting: Acting, reply: Reply, state: FSMContext
    ) -> None:
        _admin(acting=acting)
        await query.answer()
        await ask_note(Purpose.STAFF_GRANT, 0, grant_prompt(), reply=reply, state=state)

    @r.callback_query(StaffButton.filter(F.action == "role"))
    async def role(
        query: CallbackQuery,
        callback_data: StaffButton,
        *,
        acting: Acting,
        reply: Reply,
        staff: Staff,
    ) -> None:
        """A role chosen for someone: asked to confirm."""
        _admin(acting=acting)
        chosen = _role(callback_data)
        member = await staff.shown(callback_data.person)
        await query.answer()
        await reply.send(grant_confirm(member, chosen))

    @r.callback_query(StaffButton.filter(F.action == "grant_ok"))
    async def grant_ok(
        query: CallbackQuery,
        callback_data: StaffButton,
        *,
        acting: Acting,
        reply: Reply,
        staff: Staff,
        settings: Settings,
        i18n: I18n,
    ) -> None:
        _admin(acting=acting)
        member = await staff.grant(callback_data.person, _role(callback_data))
        await _changed(
            query,
            member,
            granted_text(member),
            revoked=False,
            reply=reply,
            settings=settings,
            i18n=i18n,
        )

    @r.callback_query(StaffButton.filter(F.action == "revoke"))
    async def revoke(
        query: CallbackQuery,
        callback_data: StaffButton,
        *,
        acting: Acting,
        reply: Reply,
        staff: Staff,
    ) -> None:
        """A role to take away: asked to confirm, if the person still has the role shown."""
        _admin(acting=acting)
        member = await staff.shown(callback_data.person, callback_data.role)
        await query.answer()
        await reply.send(revoke_confirm(member))

    @r.callback_query(StaffButton.filter(F.action == "revoke_ok"))
    async def revoke_ok(
        query: CallbackQuery,
        callback_data: StaffButton,
        *,
        acting: Acting,
        reply: Reply,
        staff: Staff,
        settings: Settings,
        i18n: I18n,
    ) -> None:
        """The role the confirmation showed is taken away (a role changed since: stale)."""
        _admin(acting=acting)
        member = await staff.revoke(callback_data.person, callback_data.role)
        await _changed(
            query,
            member,
            revoked_text(member),
            revoked=True,
            reply=reply,
            settings=settings,
            i18n=i18n,
        )

    @r.callback_query(StaffButton.filter(F.action == "invite"))
    async def invite(
        query: CallbackQuery, *, acting: Acting, reply: Reply, settings: Settings
    ) -> None:
        _inviting(acting=acting, reply=reply)
        await query.answer()
        await reply.send(invite_screen(settings.invite_days))

    @r.callback_query(StaffButton.filter(F.action == "inv_role"))
    async def invite_role(
        query: CallbackQuery,
        callback_data: StaffButton,
        *,
        acting: Acting,
        reply: Reply,
        cities: Cities,
        invites: Invites,
        settings: Settings,
    ) -> None:
        _inviting(acting=acting, reply=reply)
        chosen = _role(callback_data)
        await query.answer()
        await _send_invite(
            role=chosen,
            acting=acting,
            reply=reply,
            cities=cities,
            invites=invites,
            settings=settings,
        )

    @r.callback_query(StaffButton.filter(F.action == "inv_city"))
    async def invite_city(
        query: CallbackQuery,
        callback_data: StaffButton,
        *,
        acting: Acting,
        reply: Reply,
        state: FSMContext,
        cities: Cities,
        invites: Invites,
        settings: Settings,
    ) -> None:
        """A link for a city's focal point: the city is asked first (0), then the link made."""
        _inviting(acting=acting, reply=reply)
        if callback_data.city == 0:
            await query.answer()
            await ask_note(Purpose.INVITE_CITY, 0, invite_city_prompt(), reply=reply, state=state)
            return
        await _send_invite(
            city_id=callback_data.city,
            acting=acting,
            reply=reply,
            cities=cities,
            invites=invites,
            settings=settings,
        )
        await query.answer()

    @r.callback_query(StaffButton.filter())
    async def unknown(query: CallbackQuery, *, acting: Acting) -> None:
        """Any other action: an old or forged button."""
        _admin(acting=acting)
        raise StaffRefused("stale")

    return r


async def _changed(
    query: CallbackQuery,
    member: StaffMember,
    text: str,
    *,
    revoked: bool,
    reply: Reply,
    settings: Settings,
    i18n: I18n,
) -> None:
    """A role granted or revoked: the person's menu follows, the confirmation loses its buttons."""
    await refresh_menu(
        member.telegram_id,
        member.role,
        member.language,
        revoked=revoked,
        reply=reply,
        settings=settings,
        i18n=i18n,
    )
    await query.answer()
    await _drop_buttons(query, "confirmation")
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
    await reply.send(roles_screen(await staff.candidate(int(digits))))


async def _invite_city(
    asked: Asked, text: str, *, acting: Acting, reply: Reply, cities: Cities
) -> None:
    if not await allowed(Action.MANAGE_STAFF, acting=acting, reply=reply):
        return
    await reply.send(invite_cities_screen(await cities.search(text)))
