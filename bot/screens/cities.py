"""The member cities list for the Secretariat, the import report, and the picker at registration."""

from aiogram import html
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.cities import CityPage, MemberCity
from bot.domain.city_rows import ImportReport, RowRefused
from bot.domain.countries import country_name
from bot.screens.base import Screen
from bot.screens.common import fill, listed, locale
from bot.telegram.people_callbacks import CityButton, PickCity

MAX_REPORTED = 25  # refused rows listed one by one; the rest are counted


def _button(text: str, **data: int | str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=CityButton(**data).pack())  # type: ignore[arg-type]


def city_label(city: MemberCity) -> str:
    return f"{city.name} ({country_name(city.country, locale())})"


def cities_screen(page: CityPage, can_import: bool) -> Screen:
    """One page of the list: a button per city, paging, add and import."""
    lines = [
        "<b>"
        + ngettext("Member cities: {count}", "Member cities: {count}", page.total).format(
            count=page.total
        )
        + "</b>"
    ]
    if page.total == 0:
        lines.append(_("The list is empty. Add cities one by one, or import a CSV file."))
    elif page.pages > 1:
        lines.append(_("Page {number} of {pages}").format(number=page.number + 1, pages=page.pages))
    rows = [
        [_button("✏️ " + city_label(city)[:60], action="open", city=city.id)] for city in page.cities
    ]
    paging = []
    if page.number > 0:
        paging.append(_button("◀", action="list", page=page.number - 1))
    if page.number + 1 < page.pages:
        paging.append(_button("▶", action="list", page=page.number + 1))
    if paging:
        rows.append(paging)
    actions = [_button(_("➕ Add a city"), action="add")]
    if can_import:
        actions.append(_button(_("📥 Import CSV"), action="import"))
    rows.append(actions)
    return Screen("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows))


def city_screen(city: MemberCity) -> Screen:
    aliases = listed(city.aliases) or "—"
    lines = [
        "<b>" + html.quote(city.name) + "</b>",
        _("Country: {country}").format(country=html.quote(country_name(city.country, locale()))),
        _("Other names: {aliases}").format(aliases=html.quote(aliases)),
    ]
    rows = [
        [
            _button(_("✏️ Name"), action="name", city=city.id),
            _button(_("✏️ Country"), action="country", city=city.id),
        ],
        [_button(_("✏️ Other names"), action="aliases", city=city.id)],
        [_button(_("◀ The list"), action="list")],
    ]
    return Screen("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows))


def _code(text: str) -> str:
    return "<code>" + html.quote(text) + "</code>"


def add_prompt() -> str:
    return _(
        "Which city? Write its name, its country (name or ISO code) and, if you like, other names "
        "separated by “;”, e.g. {example}."
    ).format(example=_code("Tripoli, LB, طرابلس; Trablous"))


def edit_prompt(city: MemberCity, what: str) -> str:
    name = html.quote(city.name)
    if what == "name":
        return _("New name for {city}?").format(city=name)
    if what == "country":
        return _("In which country is {city}? Its name or ISO code, e.g. SN.").format(city=name)
    return fill(
        _("Other names of {city}, separated by “;” (a single “-” removes them all)?"), city=name
    )


def import_prompt() -> str:
    return _(
        "Send the CSV file as a document: one city per line with its name, its country's ISO "
        "code and other names separated by “;” or “|”, e.g. {example}. /cancel to stop."
    ).format(example=_code("Dakar,SN,Ndakaaru"))


def wrong_encoding() -> str:
    return _(
        "This file is not text I can read (wrong encoding): nothing was imported. Save it again "
        "as “CSV UTF-8” (or Windows-1252, or UTF-16) and send it again."
    )


def row_problem(problem: RowRefused) -> str:
    d = problem.details
    texts = {
        "empty_name": _("the name is empty"),
        "name_too_long": _("the name is longer than {maximum} characters"),
        "empty_country": _("the country is missing"),
        "unknown_country": _("unknown country “{country}”"),
        "too_many_aliases": _("more than {maximum} other names"),
        "duplicate": _("the same city as line {line}"),
        "too_many_rows": _("the file has more than {maximum} cities: the rest was not read"),
        "exists": _("{name} is already on the list in this country"),
        "unknown_city": _("this city is no longer on the list"),
    }
    text = texts.get(problem.code, problem.code)
    return text.format(**{k: html.quote(str(v)) for k, v in d.items()})


def import_report(report: ImportReport) -> str:
    lines = [
        "<b>" + _("📥 Import of the member cities") + "</b>",
        ngettext("{count} city added", "{count} cities added", len(report.added)).format(
            count=len(report.added)
        ),
        ngettext("{count} city updated", "{count} cities updated", len(report.updated)).format(
            count=len(report.updated)
        ),
        ngettext("{count} line unchanged", "{count} lines unchanged", report.unchanged).format(
            count=report.unchanged
        ),
        ngettext("{count} line refused", "{count} lines refused", len(report.refused)).format(
            count=len(report.refused)
        ),
    ]
    for line, problem in report.refused[:MAX_REPORTED]:
        lines.append(_("• line {line}: {problem}").format(line=line, problem=row_problem(problem)))
    if len(report.refused) > MAX_REPORTED:
        lines.append("…")
    return "\n".join(lines)


def picker_screen(matches: list[MemberCity]) -> Screen:
    """After the city's name was typed at registration: the member cities it may be."""
    rows = [
        [
            InlineKeyboardButton(
                text=city_label(city)[:60], callback_data=PickCity(city=city.id).pack()
            )
        ]
        for city in matches
    ]
    rows.append(
        [
            InlineKeyboardButton(
                text=_("My city is not on the list"), callback_data=PickCity(city=0).pack()
            )
        ]
    )
    text = _("Is it one of these member cities? Choose it below.")
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=rows))
