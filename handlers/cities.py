"""/cities: the member list the Secretariat keeps (list, add, edit), and an admin's CSV import
(a document with the caption /cities, or sent after "Import CSV"). In any chat."""

import logging

from aiogram import F, Router, html
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError
from aiogram.filters import Command, Filter, StateFilter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.city_rows import (
    MAX_CSV_BYTES,
    EncodingRefused,
    RowRefused,
    read_rows,
    typed_row,
)
from bot.domain.refusals import Gone
from bot.domain.roles import Action
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
from bot.services.rights import NotAllowed
from bot.telegram.context import Context
from bot.telegram.filters import NotCommand, PrivateChat
from bot.telegram.people_callbacks import CityButton
from bot.telegram.states import Flow
from handlers.files import download
from handlers.notes import Asked, NoteHandler, Purpose, ask_note
from handlers.rights import allowed

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


async def show_list(ctx: Context, page: int = 0, query: CallbackQuery | None = None) -> None:
    screen = cities_screen(await ctx.cities.page(page), ctx.may(Action.IMPORT_CITIES))
    await _show(ctx, screen, query)


async def _show(ctx: Context, screen: Screen, query: CallbackQuery | None) -> None:
    """In place of the pressed message when there is one (paging does not pile up messages)."""
    message = query.message if query is not None else None
    if isinstance(message, Message):
        try:
            await message.edit_text(screen.text, reply_markup=screen.markup)
            return
        except TelegramBadRequest:
            log.debug("could not edit the cities message; sending it again")
    await ctx.send(screen)


async def import_file(ctx: Context, message: Message) -> None:
    """Read the CSV sent by an admin and report what was added, updated and refused."""
    if not await allowed(ctx, Action.IMPORT_CITIES):
        return
    document = message.document
    assert document is not None
    name = (document.file_name or "").casefold()
    if not name.endswith((".csv", ".txt")) and document.mime_type not in CSV_TYPES:
        await ctx.send(Screen("⚠️ " + import_prompt()))
        return
    if (document.file_size or 0) > MAX_CSV_BYTES:
        await ctx.send(Screen("⚠️ " + _("This file is too large for a list of cities (1 MB).")))
        return
    try:
        content = await download(ctx.bot, document.file_id)
    except (TelegramBadRequest, TelegramNetworkError) as error:
        log.warning("city list download failed", extra={"error": str(error)})
        await ctx.send(Screen("⚠️ " + _("The file could not be received. Please send it again.")))
        return
    try:
        rows = read_rows(content)
    except EncodingRefused:
        await ctx.send(Screen("⚠️ " + wrong_encoding()))
        return
    report = await ctx.cities.import_rows(rows)
    if await ctx.fsm.get_state() == Flow.city_csv.state:
        await ctx.fsm.clear()
    await ctx.send(Screen(import_report(report)))


def _require(ctx: Context, action: Action) -> None:
    """The right, before a button is answered (the use case checks again)."""
    if not ctx.may(action):
        raise NotAllowed(action)


def router() -> Router:
    r = Router(name="cities")

    @r.message(Command("cities"), Document())
    async def captioned(message: Message, ctx: Context) -> None:
        await import_file(ctx, message)

    @r.message(StateFilter(Flow.city_csv), Document())
    async def awaited(message: Message, ctx: Context) -> None:
        await import_file(ctx, message)

    @r.message(StateFilter(Flow.city_csv), Command("cancel"))
    async def cancel(message: Message, ctx: Context) -> None:
        await ctx.fsm.clear()
        await ctx.say(_("Stopped: nothing was imported."))

    @r.message(StateFilter(Flow.city_csv), NotCommand(), PrivateChat())
    async def not_a_file(message: Message, ctx: Context) -> None:
        await ctx.send(Screen(import_prompt()))

    @r.message(Command("cities"))
    async def cities(message: Message, ctx: Context) -> None:
        if await allowed(ctx, Action.MANAGE_CITIES):
            await show_list(ctx)

    @r.callback_query(CityButton.filter(F.action == "list"))
    async def listing(query: CallbackQuery, callback_data: CityButton, ctx: Context) -> None:
        _require(ctx, Action.MANAGE_CITIES)
        await query.answer()
        await show_list(ctx, callback_data.page, query)

    @r.callback_query(CityButton.filter(F.action == "add"))
    async def add(query: CallbackQuery, ctx: Context) -> None:
        _require(ctx, Action.MANAGE_CITIES)
        await query.answer()
        await ask_note(ctx, Purpose.CITY_ADD, 0, add_prompt())

    @r.callback_query(CityButton.filter(F.action == "import"))
    async def import_csv(query: CallbackQuery, ctx: Context) -> None:
        _require(ctx, Action.MANAGE_CITIES)
        _require(ctx, Action.IMPORT_CITIES)
        await query.answer()
        await ctx.fsm.set_state(Flow.city_csv)
        await ctx.send(Screen(import_prompt()))

    @r.callback_query(CityButton.filter(F.action == "open"))
    async def open_city(query: CallbackQuery, callback_data: CityButton, ctx: Context) -> None:
        _require(ctx, Action.MANAGE_CITIES)
        city = await ctx.cities.listed(callback_data.city)  # gone: the glue says so
        await query.answer()
        await _show(ctx, city_screen(city), query)

    @r.callback_query(CityButton.filter(F.action.in_(EDITS)))
    async def edit(query: CallbackQuery, callback_data: CityButton, ctx: Context) -> None:
        """A listed city's name, country or aliases: asked to be typed."""
        _require(ctx, Action.MANAGE_CITIES)
        city = await ctx.cities.listed(callback_data.city)
        await query.answer()
        what = callback_data.action
        await ask_note(ctx, EDITS[what], city.id, edit_prompt(city, what))

    @r.callback_query(CityButton.filter())
    async def unknown(query: CallbackQuery, ctx: Context) -> None:
        """Any other action: an old or forged button."""
        _require(ctx, Action.MANAGE_CITIES)
        raise Gone("button")

    return r


def notes() -> dict[Purpose, NoteHandler]:
    return {
        Purpose.CITY_ADD: _add,
        Purpose.CITY_NAME: _edit_name,
        Purpose.CITY_COUNTRY: _edit_country,
        Purpose.CITY_ALIASES: _edit_aliases,
    }


async def _add(ctx: Context, asked: Asked, text: str) -> None:
    if not await allowed(ctx, Action.MANAGE_CITIES):
        return
    try:
        city = await ctx.cities.add(typed_row(text))
    except RowRefused as problem:
        await ask_note(
            ctx, Purpose.CITY_ADD, 0, "⚠️ " + row_problem(problem) + "\n\n" + add_prompt()
        )
        return
    added = _("✅ {city} is on the member list.").format(city=html.quote(city.name))
    await ctx.send(Screen(added), city_screen(city))


async def _edit(ctx: Context, city_id: int, what: str, text: str) -> None:
    if not await allowed(ctx, Action.MANAGE_CITIES):
        return
    if what == "aliases" and text.strip() == "-":
        text = ""
    try:
        city = await ctx.cities.edit(city_id, **{what: text})
    except RowRefused as problem:
        await ctx.send(Screen("⚠️ " + row_problem(problem)))
        if problem.code != "unknown_city":  # asked again, while it is listed
            current = await ctx.cities.listed(city_id)
            await ask_note(ctx, EDITS[what], city_id, edit_prompt(current, what))
        return
    await ctx.send(Screen(_("Saved.")), city_screen(city))


async def _edit_name(ctx: Context, asked: Asked, text: str) -> None:
    await _edit(ctx, asked.target, "name", text)


async def _edit_country(ctx: Context, asked: Asked, text: str) -> None:
    await _edit(ctx, asked.target, "country", text)


async def _edit_aliases(ctx: Context, asked: Asked, text: str) -> None:
    await _edit(ctx, asked.target, "aliases", text)
