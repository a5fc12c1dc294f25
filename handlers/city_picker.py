"""Registration's city question: the typed name is looked up in the member list and the person
picks their city from the matches (its country comes with it), or says it is not on the list.
Names that match no listed city go on to the questionnaire unchanged (city created unlisted)."""

from aiogram import Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.conversation.answering import after_answer  # as after a typed answer
from bot.conversation.position import show_where
from bot.conversation.rights import stale
from bot.domain.answers import AnswerError
from bot.domain.city_picker import CITY_QUESTION, pick, type_city
from bot.domain.rules import FundingRules
from bot.screens.cities import picker_screen
from bot.screens.common import locale
from bot.services.acting import Acting
from bot.services.cities import Cities
from bot.services.dossiers import Dossiers
from bot.services.people import Profiles
from bot.services.records import Records
from bot.telegram.filters import Typed
from bot.telegram.inputs import answer_from
from bot.telegram.people_callbacks import PickCity
from bot.telegram.reply import Reply
from bot.telegram.states import Flow

TYPED = "typed_city"  # the name as typed, kept in the conversation data for "not on the list"


class AtCityQuestion(Filter):
    """The person is registering (or editing their profile) and is asked their city."""

    async def __call__(self, message: Message, *, profiles: Profiles) -> bool:
        record = profiles.record()
        return record.cursor.q == CITY_QUESTION and record.cursor.field is None


def router() -> Router:
    r = Router(name="city_picker")

    @r.message(StateFilter(Flow.registering), Typed(), AtCityQuestion())
    async def typed_city(
        message: Message,
        *,
        acting: Acting,
        reply: Reply,
        state: FSMContext,
        records: Records,
        dossiers: Dossiers,
        profiles: Profiles,
        cities: Cities,
        rules: FundingRules,
    ) -> None:
        # The profile, or its short form before an emergency report (the state is checked).
        record = await records.current(state)
        if record is None:
            raise SkipHandler
        question = record.form.questions[CITY_QUESTION]
        try:
            text = answer_from(question, message, locale(), record).value
        except AnswerError:
            raise SkipHandler from None  # the questionnaire says what is expected
        matches = await cities.search(text)
        if not matches:  # not a listed member: answered as typed, the country asked next
            move = type_city(record.form, record.answers, record.cursor, text)
            await records.apply(record, move)
            await after_answer(
                record,
                question.kind,
                acting=acting,
                reply=reply,
                state=state,
                records=records,
                dossiers=dossiers,
                profiles=profiles,
                rules=rules,
            )
            return
        await state.update_data({TYPED: text})
        await reply.send(picker_screen(matches))

    @r.callback_query(PickCity.filter())
    async def picked(
        query: CallbackQuery,
        callback_data: PickCity,
        *,
        acting: Acting,
        reply: Reply,
        state: FSMContext,
        records: Records,
        dossiers: Dossiers,
        profiles: Profiles,
        cities: Cities,
        rules: FundingRules,
    ) -> None:
        record = profiles.record()
        data = await state.get_data()
        typed = data.get(TYPED)
        registering = await state.get_state() == Flow.registering.state
        if not registering or record.cursor.q != CITY_QUESTION or not isinstance(typed, str):
            await stale(query)
            await show_where(acting=acting, reply=reply, state=state, records=records, rules=rules)
            return
        if callback_data.city == 0:
            move = type_city(record.form, record.answers, record.cursor, typed)
        else:
            city = await cities.get(callback_data.city)
            if city is None or not city.listed:
                await stale(query)
                return
            move = pick(record.form, record.answers, record.cursor, city)
        await query.answer()
        await state.set_data({k: v for k, v in data.items() if k != TYPED})
        await records.apply(record, move)
        await after_answer(
            record,
            None,
            acting=acting,
            reply=reply,
            state=state,
            records=records,
            dossiers=dossiers,
            profiles=profiles,
            rules=rules,
        )

    return r
