"""Opening an invite link: `/start <token>` in a private chat (handlers/start.py)."""

from aiogram.fsm.context import FSMContext
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.conversation import registration
from bot.conversation.menus import refresh_menu
from bot.domain.rules import FundingRules
from bot.screens.base import Screen
from bot.screens.home import help_screen, profile_screen, welcome
from bot.screens.team import invite_pending, invite_refusal, invite_welcome
from bot.services.acting import Acting
from bot.services.invites import InviteRefused, Invites
from bot.services.people import Profiles
from bot.telegram.reply import Reply


async def redeem(
    token: str,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    profiles: Profiles,
    invites: Invites,
    settings: Settings,
    rules: FundingRules,
    i18n: I18n,
) -> None:
    """Take what the invite gives (once); a forged, used or expired token changes nothing. A
    link for admin or presidency waits for its maker's confirmation (asked in their language)."""
    try:
        redeemed = await invites.redeem(token.strip())
    except InviteRefused as problem:
        await reply.send(Screen("⚠️ " + invite_refusal(problem)), welcome(acting.person))
        return
    if redeemed.pending:
        await reply.send(Screen(invite_pending(redeemed.role or "")))
        return
    await reply.send(Screen(invite_welcome(redeemed.role, redeemed.city)))
    if redeemed.city is None:
        await reply.send(help_screen(redeemed.role))
        await refresh_menu(
            acting.person.telegram_id,
            redeemed.role,
            i18n.current_locale,
            reply=reply,
            settings=settings,
            i18n=i18n,
        )
    elif acting.person.registered:
        await reply.send(profile_screen(acting.person))
    else:
        await registration.begin_registration(
            then=None, acting=acting, reply=reply, state=state, profiles=profiles, rules=rules
        )
