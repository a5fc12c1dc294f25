"""The profile: who the person is and which city they act for (answered through the
questionnaire, as the profile form)."""

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.conversation import registration
from bot.domain.rules import FundingRules
from bot.screens.home import profile_screen
from bot.services.acting import Acting
from bot.services.people import Profiles
from bot.telegram.reply import Reply


def router() -> Router:
    r = Router(name="profile")

    @r.message(Command("profile"))
    async def profile(
        message: Message,
        *,
        acting: Acting,
        reply: Reply,
        state: FSMContext,
        profiles: Profiles,
        rules: FundingRules,
    ) -> None:
        """Show the profile with a button to change each answer; register first if needed."""
        if not acting.person.registered:
            await registration.begin_registration(
                then=None, acting=acting, reply=reply, state=state, profiles=profiles, rules=rules
            )
            return
        await reply.send(profile_screen(acting.person))

    return r
