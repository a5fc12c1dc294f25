"""/cities: the member list the Secretariat keeps (list, add, edit), and an admin's CSV import
(a document with the caption /cities, or sent after "Import CSV"). In any chat."""

import logging

from aiogram import F, Router, html
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.conversation.notes import Asked, NoteHandler, Purpose, ask_note
from bot.conversation.rights import allowed
from bot.domain.city_rows import (
    MAX_CSV_BYTES,
    EncodingRefused,
    RowRefused,
    read_rows,
    typed_row,
)
from bot.domain.refusals import Gone
from bot.domain.roles import Action
from bot.domain.uploads import DownloadFailed
from bot.screens.base import Screen
from bot.screens.cities import (
    add_prompt,
    cities_screen,
    city_screen,
    edit_prompt,
    import_prompt,
    import_report,
    row_problem,
    wrong_encoding,
)
from bot.services.acting import Acting
from bot.services.cities import Cities
from bot.services.rights import NotAllowed
from bot.telegram.files import download
from bot.telegram.filters import NotCommand, PrivateChat
from bot.telegram.people_callbacks import CityButton
from bot.telegram.reply import Reply
from bot.telegram.states import Flow

log = logging.getLogger(__name__)
CSV_TYPES = ("text/csv", "text/plain", "application/csv", "application/vnd.ms-excel")
# What of a listed city may be edited, and the note asking for it.
EDITS = {
    "name": Purpose.CITY_NAME,
    "country": Purpose.CITY_COUNTRY,
    "aliases": Purpose.CITY_ALIASES,
}


class Document(Filter):
    async def __call__(self, message: Message) -> bool:
        return message.document is not None


async def show_list(
    page: int = 0,
    query: CallbackQuery | None = None,
    *,
    acting: Acting,
    reply: Reply,
    cities: Cities,
) -> None:
    screen = cities_screen(await cities.page(page), acting.may(Action.IMPORT_CITIES))
    await _show(screen, query, reply=reply)


async def _show(screen: Screen, query: CallbackQuery | None, *, reply: Reply) -> None:
    """In place of the pressed message when there is one (paging does not pile up messages)."""
    message = query.message if query is not None else None
    if isinstance(message, Message):
        try:
            await message.edit_text(screen.text, reply_markup=screen.markup)
            return
        except TelegramBadRequest:
            log.debug("could not edit the cities message; sending it again")
    await reply.send(screen)


async def import_file(
    message: Message, *, acting: Acting, reply: Reply, state: FSMContext, cities: Cities
) -> None:
    """Read the CSV sent by an admin and report what was added, updated and refused."""
    if not await allowed(Action.IMPORT_CITIES, acting=acting, reply=reply):
        return
    document = message.document
    assert document is not None
    name = (document.file_name or "").casefold()
    if not name.endswith((".csv", ".txt")) and document.mime_type not in CSV_TYPES:
        await reply.send(Screen("⚠️ " + import_prompt()))
        return
    if (document.file_size or 0) > MAX_CSV_BYTES:
        await reply.send(Screen("⚠️ " + _("This file is too large for a list of cities (1 MB).")))
        return
    try:
        content = await download(reply.bot, document.file_id)
    except DownloadFailed as failed:
        log.warning("city list download failed", extra={"error": str(failed.__cause__)})
        await reply.send(Screen("⚠️ " + _("The file could not be received. Please send it again.")))
        return
    try:
        rows = read_rows(content)
    except EncodingRefused:
        await reply.send(Screen("⚠️ " + wrong_encoding()))
        return
    report = await cities.import_rows(rows)
    if await state.get_state() == Flow.city_csv.state:
        await state.clear()
    await reply.send(Screen(import_report(report)))


def _require(action: Action, *, acting: Acting) -> None:
    """The right, before a button is answered (the use case checks again)."""
    if not acting.may(action):
        raise NotAllowed(action)


def router() -> Router:
    r = Router(name="cities")

    @r.message(Command("cities"), Document())
    async def captioned(
        message: Message, *, acting: Acting, reply: Reply, state: FSMContext, cities: Cities
    ) -> None:
        await import_file(message, acting=acting, reply=reply, state=state, cities=cities)

    @r.message(StateFilter(Flow.city_csv), Document())
    async def awaited(
        message: Message, *, acting: Acting, reply: Reply, state: FSMContext, cities: Cities
    ) -> None:
        await import_file(message, acting=acting, reply=reply, state=state, cities=cities)

    @r.message(StateFilter(Flow.city_csv), Command("cancel"))
    async def cancel(message: Message, *, reply: Reply, state: FSMContext) -> None:
        await state.clear()
        await reply.say(_("Stopped: nothing was imported."))

    @r.message(StateFilter(Flow.city_csv), NotCommand(), PrivateChat())
    async def not_a_file(message: Message, *, reply: Reply) -> None:
        await reply.send(Screen(import_prompt()))

    @r.message(Command("cities"))
    async def cities(message: Message, *, acting: Acting, reply: Reply, cities: Cities) -> None:
        if await allowed(Action.MANAGE_CITIES, acting=acting, reply=reply):
            await show_list(acting=acting, reply=reply, cities=cities)

    @r.callback_query(CityButton.filter(F.action == "list"))
    async def listing(
        query: CallbackQuery,
        callback_data: CityButton,
        *,
        acting: Acting,
        reply: Reply,
        cities: Cities,
    ) -> None:
        _require(Action.MANAGE_CITIES, acting=acting)
        await query.answer()
        await show_list(callback_data.page, query, acting=acting, reply=reply, cities=cities)

    @r.callback_query(CityButton.filter(F.action == "add"))
    async def add(query: CallbackQuery, *, acting: Acting, reply: Reply, state: FSMContext) -> None:
        _require(Action.MANAGE_CITIES, acting=acting)
        await query.answer()
        await ask_note(Purpose.CITY_ADD, 0, add_prompt(), reply=reply, state=state)

    @r.callback_query(CityButton.filter(F.action == "import"))
    async def import_csv(
        query: CallbackQuery, *, acting: Acting, reply: Reply, state: FSMContext
    ) -> None:
        _require(Action.MANAGE_CITIES, acting=acting)
        _require(Action.IMPORT_CITIES, acting=acting)
        await query.answer()
        await state.set_state(Flow.city_csv)
        await reply.send(Screen(import_prompt()))

    @r.callback_query(CityButton.filter(F.action == "open"))
    async def open_city(
        query: CallbackQuery,
        callback_data: CityButton,
        *,
        acting: Acting,
        reply: Reply,
        cities: Cities,
    ) -> None:
        _require(Action.MANAGE_CITIES, acting=acting)
        city = await cities.listed(callback_data.city)  # gone: the glue says so
        await query.answer()
        await _show(city_screen(city), query, reply=reply)

    @r.callback_query(CityButton.filter(F.action.in_(EDITS)))
    async def edit(
        query: CallbackQuery,
        callback_data: CityButton,
        *,
        acting: Acting,
        reply: Reply,
        state: FSMContext,
        cities: Cities,
    ) -> None:
        """A listed city's name, country or aliases: asked to be typed."""
        _require(Action.MANAGE_CITIES, acting=acting)
        city = await cities.listed(callback_data.city)
        await query.answer()
        what = callback_data.action
        await ask_note(EDITS[what], city.id, edit_prompt(city, what), reply=reply, state=state)

    @r.callback_query(CityButton.filter())
    async def unknown(query: CallbackQuery, *, acting: Acting) -> None:
        """Any other action: an old or forged button."""
        _require(Action.MANAGE_CITIES, acting=acting)
        raise Gone("button")

    return r


def notes() -> dict[Purpose, NoteHandler]:
    return {
        Purpose.CITY_ADD: _add,
        Purpose.CITY_NAME: _edit_name,
        Purpose.CITY_COUNTRY: _edit_country,
        Purpose.CITY_ALIASES: _edit_aliases,
    }


async def _add(
    asked: Asked, text: str, *, acting: Acting, reply: Reply, state: FSMContext, cities: Cities
) -> None:
    if not await allowed(Action.MANAGE_CITIES, acting=acting, reply=reply):
        return
    try:
        city = await cities.add(typed_row(text))
    except RowRefused as problem:
        await ask_note(
            Purpose.CITY_ADD,
            0,
            "⚠️ " + row_problem(problem) + "\n\n" + add_prompt(),
            reply=reply,
            state=state,
        )
        return
    added = _("✅ {city} is on the member list.").format(city=html.quote(city.name))
    await reply.send(Screen(added), city_screen(city))


async def _edit(
    city_id: int,
    what: str,
    text: str,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    cities: Cities,
) -> None:
    if not await allowed(Action.MANAGE_CITIES, acting=acting, reply=reply):
        return
    if what == "aliases" and text.strip() == "-":
        text = ""
    try:
        city = await cities.edit(city_id, **{what: text})
    except RowRefused as problem:
        await reply.send(Screen("⚠️ " + row_problem(problem)))
        if problem.code != "unknown_city":  # asked again, while it is listed
            current = await cities.listed(city_id)
            await ask_note(
                EDITS[what], city_id, edit_prompt(current, what), reply=reply, state=state
            )
        return
    await reply.send(Screen(_("Saved.")), city_screen(city))


async def _edit_name(
    asked: Asked, text: str, *, acting: Acting, reply: Reply, state: FSMContext, cities: Cities
) -> None:
    await _edit(asked.target, "name", text, acting=acting, reply=reply, state=state, cities=cities)


async def _edit_country(
    asked: Asked, text: str, *, acting: Acting, reply: Reply, state: FSMContext, cities: Cities
) -> None:
    await _edit(
        asked.target, "country", text, acting=acting, reply=reply, state=state, cities=cities
    )


async def _edit_aliases(
    asked: Asked, text: str, *, acting: Acting, reply: Reply, state: FSMContext, cities: Cities
) -> None:
    await _edit(
        asked.target, "aliases", text, acting=acting, reply=reply, state=state, cities=cities
    )
