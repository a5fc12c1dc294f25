"""Opening an invite link: `/start <token>` in a private chat (see handlers/start.py)."""

from bot.screens.base import Screen
from bot.screens.home import help_screen, profile_screen, welcome
from bot.screens.team import invite_pending, invite_refusal, invite_welcome
from bot.services.invites import InviteRefused
from bot.telegram.context import Context
from handlers import actions
from handlers.menus import refresh_menu


async def redeem(ctx: Context, token: str) -> None:
    """Take what the invite gives (once); a forged, used or expired token changes nothing. A
    link for admin or presidency waits for its maker's confirmation (asked in their language)."""
    try:
        redeemed = await ctx.invites.redeem(token.strip())
    except InviteRefused as problem:
        await ctx.send(Screen("⚠️ " + invite_refusal(problem)), welcome(ctx.person))
        return
    if redeemed.pending:
        await ctx.send(Screen(invite_pending(redeemed.role or "")))
        return
    await ctx.send(Screen(invite_welcome(redeemed.role, redeemed.city)))
    if redeemed.city is None:
        await ctx.send(help_screen(redeemed.role))
        await refresh_menu(ctx, ctx.person.telegram_id, redeemed.role, ctx.i18n.current_locale)
    elif ctx.person.registered:
        await ctx.send(profile_screen(ctx.person))
    else:
        await actions.begin_registration(ctx, then=None)
