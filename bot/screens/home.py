"""Welcome, help, language, profile and the list of a city's dossiers."""

from aiogram import html
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.domain.emergency import EMERGENCY_STATUS_LABELS
from bot.domain.profile_form import PROFILE_FORM
from bot.domain.records import PROFILE_RECORD, Person, Record
from bot.domain.roles import ROLE_LABELS, Role, tools
from bot.domain.workflow import STATUS_LABELS
from bot.screens.base import Screen
from bot.screens.checklist import record_title
from bot.screens.commands import tools_lines
from bot.screens.common import BUTTON_TEXT, shortened, shown_answer
from bot.telegram.callbacks import Home, Lang, menu_data, sheet_data

LANGUAGE_NAMES = {"fr": "Français", "en": "English", "ar": "العربية"}


def _home(text: str, action: str) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(text=text, callback_data=Home(action=action).pack())]


def welcome(person: Person, role: str | None = None) -> Screen:
    """The greeting; for staff (`role`), their tools too."""
    lines = [
        "<b>" + _("Hello {name}!").format(name=html.quote(person.first_name or "")) + "</b>",
        _("I help member cities prepare their application to the AIMF Cooperation Fund."),
        _("I check the cofinancing and the completeness of the dossier, question by question."),
        _("Then I send it to the Permanent Secretariat and tell you what follows."),
    ]
    staff_tools = tools(role)
    if staff_tools and role is not None:
        lines.append("")
        lines.append(
            _("Your tools ({role}): {commands}. /help says what each does.").format(
                role=_(ROLE_LABELS[Role(role)]), commands=", ".join("/" + c for c in staff_tools)
            )
        )
    text = "\n".join(lines)
    rows = [_home(_("📂 Start a dossier"), "new")]
    if person.registered:
        rows.append(_home(_("🗂 My dossiers"), "list"))
    else:
        rows.insert(0, _home(_("📝 Register my city"), "register"))
    # The emergency report first, clearly visible, registered or not: someone not registered
    # is asked only their city, name and phone before it.
    rows.insert(0, _home(_("🚨 Report an emergency"), "emergency"))
    rows.append(_home(_("🌐 Language"), "language"))
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=rows))


def help_screen(role: str | None = None) -> Screen:
    """What the bot does for a city, and for staff the tools their role allows."""
    staff_tools = tools_lines(role)
    tools = ["", "<b>" + _("Your tools") + "</b>", *staff_tools] if staff_tools else []
    return Screen(
        "\n".join(
            [
                "<b>" + _("What I can do") + "</b>",
                _("/emergency — report a disaster striking your city"),
                _("/new — start a new dossier"),
                _("/dossiers — your city's dossiers: continue a draft"),
                _("/status — where each submitted dossier stands"),
                _("/profile — your details and your city"),
                _("/language — change the language"),
                _("/cancel — leave the current question (your answers stay saved)"),
                *tools,
            ]
        )
    )


def language_screen() -> Screen:
    rows = [
        [InlineKeyboardButton(text=name, callback_data=Lang(code=code).pack())]
        for code, name in LANGUAGE_NAMES.items()
    ]
    return Screen(_("Choose your language:"), InlineKeyboardMarkup(inline_keyboard=rows))


def profile_screen(person: Person) -> Screen:
    """The profile form's review: every answer, and a button to change each."""
    questions = PROFILE_FORM.visible_questions(person.profile)
    lines = ["<b>" + _("Your profile") + "</b>"]
    for q in questions:
        value = person.profile.get(q.key)
        shown = shown_answer(q, value) if value else _("missing")
        lines.append(_("{label}: {value}").format(label=html.quote(_(q.label)), value=shown))
    rows = [
        [
            InlineKeyboardButton(
                text=_("✏️ {field}").format(field=_(q.label)),
                callback_data=menu_data(PROFILE_RECORD, "jump", q.key),
            )
        ]
        for q in questions
    ]
    return Screen("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows))


def status_label(status: str) -> str:
    label = STATUS_LABELS.get(status) or EMERGENCY_STATUS_LABELS.get(status)  # type: ignore[call-overload]
    return _(label) if label else status


def no_longer_possible(reference: str | None, label: str) -> str:
    """To whoever pressed or typed a move someone else took first (or from an old screen):
    nothing changed, and the record's status now (`label`, in the presser's language)."""
    return _("This is no longer possible: {reference} is now “{status}”.").format(
        reference=html.quote(reference or "—"), status=label
    )


def not_deletable(record: Record, can_withdraw: bool) -> Screen:
    """A delete pressed on a dossier that is no longer a draft (an old screen, or forged):
    nothing is deleted, and what may be done instead."""
    text = _("“{title}” is no longer a draft (“{status}”): it cannot be deleted.").format(
        title=html.quote(record_title(record)), status=status_label(record.status)
    )
    if not can_withdraw:
        return Screen(text)
    text += "\n" + _("You may withdraw it: the Secretariat then stops its review.")
    button = InlineKeyboardButton(
        text=_("↩ Withdraw the dossier"), callback_data=menu_data(record.id, "withdraw")
    )
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=[[button]]))


def city_sheet_button() -> InlineKeyboardButton:
    """The city's own dossiers as XLSX: the payload names no city, the presser's is used."""
    return InlineKeyboardButton(
        text=_("📊 Our dossiers as a spreadsheet"), callback_data=sheet_data("city")
    )


def own_only_text() -> str:
    """Under a list, for someone the Secretariat has not verified yet (bot/domain/access.py)."""
    return "ℹ️ " + _(
        "Until the Permanent Secretariat verifies your registration, you see only the dossiers "
        "you started yourself."
    )


def no_access_text(person: Person) -> str:
    """For someone whose registration the Secretariat refused: they reach nothing of the city."""
    return _(
        "The Permanent Secretariat refused your registration for {city}: you have no access to "
        "its dossiers or emergency reports. If your city was wrong, choose the right one with "
        "/profile: the Secretariat will look at your registration again."
    ).format(city=html.quote(PROFILE_FORM.read(person.profile).city))


def submission_waits_text() -> str:
    """An unverified account's submission, when its city has a verified official already."""
    return _(
        "Your city already has officials verified by the Permanent Secretariat, so a dossier "
        "goes to the Secretariat from a verified account. It will be possible once the "
        "Secretariat has verified your registration; until then your draft is kept, and a "
        "verified official of your city can submit it."
    )


def dossier_button_label(record: Record, mark: str | None = None) -> str:
    """A dossier on a button of 60 characters: the title gives way, never the reference or the
    status."""
    mark = mark or record.reference or "📝"
    status = status_label(record.status)
    room = BUTTON_TEXT - len(f"{mark} ·  · {status}")
    return f"{mark} · {shortened(record_title(record), room)} · {status}"


def loose_message_screen(records: list[Record]) -> Screen:
    """A city official's message typed outside any question: sent to the Secretariat about the
    dossier they choose (nothing is sent before), or /status."""
    text = "\n".join(
        [
            _(
                "Shall I send this message to the Permanent Secretariat? "
                "Choose the dossier it is about."
            ),
            _("/status shows where each of your dossiers stands."),
        ]
    )
    rows = [
        [
            InlineKeyboardButton(
                text=dossier_button_label(record, "✉️ " + (record.reference or "")),
                callback_data=menu_data(record.id, "tell"),
            )
        ]
        for record in records[:8]
    ]
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=rows))


def dossiers_screen(records: list[Record], own_only: bool = False) -> Screen:
    if not records:
        text = _("Your city has no dossier yet.") if not own_only else _("You have no dossier yet.")
    else:
        text = "<b>" + _("Your city's dossiers") + "</b>\n" + _("Choose one to continue or view.")
    if own_only:
        text += "\n\n" + own_only_text()
    rows = []
    for record in records[:30]:
        label = dossier_button_label(record)
        rows.append([InlineKeyboardButton(text=label, callback_data=menu_data(record.id, "open"))])
    if records:
        rows.append([city_sheet_button()])
    rows.append(_home(_("➕ New dossier"), "new"))
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=rows))
