"""The profile: who the person is and which city they act for (answered through the
questionnaire, as the profile form)."""

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.screens.home import profile_screen
from bot.telegram.context import Context
from handlers import actions


def router() -> Router:
    r = Router(name="profile")

    @r.message(Command("profile"))
    async def profile(message: Message, ctx: Context) -> None:
        """Show the profile with a button to change each answer; register first if needed."""
        if not ctx.person.registered:
            await actions.begin_registration(ctx, then=None)
            return
        await ctx.send(profile_screen(ctx.person))

    return r
