"""Opening an invite link: `/start <token>` in a private chat (see handlers/start.py)."""

from typing import Any

from bot.domain.people import StaffMember
from bot.domain.roles import Role
from bot.screens.base import Screen
from bot.screens.home import help_screen, profile_screen, welcome
from bot.screens.team import invite_pending, invite_refusal, invite_request, invite_welcome
from bot.services.invites import InviteRefused
from bot.telegram.context import Context
from handlers import actions
from handlers.menus import refresh_menu


async def redeem(ctx: Context, token: str) -> None:
    """Take what the invite gives (once); a forged, used or expired token changes nothing. A
    link for admin or presidency waits for its maker's confirmation (asked in their language)."""

    def ask(
        language: str | None, member: StaffMember, invite_id: int, role: Role
    ) -> tuple[str, dict[str, Any] | None]:
        with ctx.i18n.use_locale(language or ctx.settings.default_language):
            screen = invite_request(member, invite_id, role)
        markup = screen.markup.model_dump(exclude_none=True) if screen.markup else None
        return screen.text, markup

    try:
        redeemed = await ctx.invites.redeem(token.strip(), ask=ask)
    except InviteRefused as problem:
        await ctx.send(Screen("⚠️ " + invite_refusal(problem)), welcome(ctx.person))
        return
    if redeemed.pending:
        ctx.outbox.wake()
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
