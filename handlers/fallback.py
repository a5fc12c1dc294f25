"""What nobody else handled: old or forged buttons, unknown commands, messages out of place."""

from datetime import UTC, datetime

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.conversation.notes import MAX_NOTE
from bot.conversation.position import show_where
from bot.domain.answers import clean_text
from bot.domain.fund_form import FUND_FORM
from bot.domain.rules import FundingRules
from bot.screens.base import Screen
from bot.screens.home import loose_message_screen
from bot.services.acting import Acting
from bot.services.dossiers import Dossiers
from bot.services.records import Records
from bot.telegram.reply import Reply

EARLIEST = datetime.min.replace(tzinfo=UTC)


async def offer_to_tell(
    text: str, *, acting: Acting, reply: Reply, state: FSMContext, dossiers: Dossiers
) -> bool:
    """A city official writing outside any question ("where is our dossier?"): offered to send
    it to the Secretariat about one of the city's submitted dossiers, kept until they choose."""
    if acting.person.city_id is None or await state.get_state() is not None:
        return False
    said = clean_text(text)
    records = [
        r for r in await dossiers.city_records() if r.reference and r.form.key == FUND_FORM.key
    ]
    if not said or not records or len(said) > MAX_NOTE:
        return False
    records.sort(key=lambda r: r.changed_at or r.submitted_at or EARLIEST, reverse=True)
    await state.update_data(said=said)
    await reply.send(loose_message_screen(records))
    return True


def router() -> Router:
    r = Router(name="fallback")

    @r.callback_query()
    async def stale_button(
        query: CallbackQuery,
        *,
        acting: Acting,
        reply: Reply,
        state: FSMContext,
        records: Records,
        rules: FundingRules,
    ) -> None:
        """A button this version of the bot does not know: say so and show where the person is."""
        await query.answer(_("This button is no longer valid."), show_alert=True)
        await show_where(acting=acting, reply=reply, state=state, records=records, rules=rules)

    @r.message()
    async def unexpected(
        message: Message,
        *,
        acting: Acting,
        reply: Reply,
        state: FSMContext,
        records: Records,
        dossiers: Dossiers,
        rules: FundingRules,
    ) -> None:
        """Anything else: a short explanation, then the way forward."""
        if message.text and message.text.startswith("/"):
            text = _("I do not know this command. /help lists what I can do.")
        elif message.text and await offer_to_tell(
            message.text, acting=acting, reply=reply, state=state, dossiers=dossiers
        ):
            return
        else:
            text = _("I did not expect this message here.")
        await reply.send(Screen(text))
        await show_where(acting=acting, reply=reply, state=state, records=records, rules=rules)

    return r


def any_chat_router() -> Router:
    """A button nobody took in a chat that is not private (the Secretariat's group: a stale or
    forged button, or one of a person's own screens forwarded there) is still answered, so its
    spinner stops: the applicant's fallback above only sees private chats."""
    r = Router(name="fallback_any_chat")

    @r.callback_query()
    async def stale_button(query: CallbackQuery) -> None:
        await query.answer(_("This button is no longer valid."), show_alert=True)

    return r
