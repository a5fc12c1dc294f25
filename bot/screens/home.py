"""Welcome, help, language, profile and the list of a city's dossiers."""

from aiogram import html
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.domain.countries import country_name
from bot.domain.dates import format_long
from bot.domain.phones import format_phone
from bot.domain.profile_form import PROFILE_QUESTIONS
from bot.domain.workflow import STATUS_LABELS
from bot.screens.base import Screen
from bot.screens.common import locale
from bot.telegram.callbacks import Home, Lang, Menu, Profile
from storage.models import Account, Dossier

LANGUAGE_NAMES = {"fr": "Français", "en": "English", "ar": "العربية"}


def _home(text: str, action: str) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(text=text, callback_data=Home(action=action).pack())]


def welcome(account: Account, registered: bool) -> Screen:
    text = "\n".join(
        [
            "<b>" + _("Hello {name}!").format(name=html.quote(account.first_name or "")) + "</b>",
            _("I help member cities prepare their application to the AIMF Cooperation Fund."),
            _("I check the cofinancing and the completeness of the dossier, question by question."),
            _("Then I send it to the Permanent Secretariat and tell you what follows."),
        ]
    )
    rows = [_home(_("📂 Start a dossier"), "new")]
    if registered:
        rows.append(_home(_("🗂 My dossiers"), "list"))
    else:
        rows.insert(0, _home(_("📝 Register my city"), "register"))
    rows.append(_home(_("🌐 Language"), "language"))
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=rows))


def help_screen() -> Screen:
    return Screen(
        "\n".join(
            [
                "<b>" + _("What I can do") + "</b>",
                _("/new — start a new dossier"),
                _("/dossiers — your city's dossiers: continue a draft"),
                _("/status — where each submitted dossier stands"),
                _("/profile — your details and your city"),
                _("/language — change the language"),
                _("/cancel — leave the current question (your answers stay saved)"),
            ]
        )
    )


def language_screen() -> Screen:
    rows = [
        [InlineKeyboardButton(text=name, callback_data=Lang(code=code).pack())]
        for code, name in LANGUAGE_NAMES.items()
    ]
    return Screen(_("Choose your language:"), InlineKeyboardMarkup(inline_keyboard=rows))


def profile_value(account: Account, key: str) -> str:
    value = getattr(account, key)
    if not value:
        return _("missing")
    if key == "country":
        return html.quote(country_name(value, locale()))
    if key == "phone":
        return html.quote(format_phone(value))
    return html.quote(value)


def profile_screen(account: Account) -> Screen:
    lines = ["<b>" + _("Your profile") + "</b>"]
    lines += [
        _("{label}: {value}").format(
            label=html.quote(_(q.label)), value=profile_value(account, q.key)
        )
        for q in PROFILE_QUESTIONS
    ]
    rows = [
        [
            InlineKeyboardButton(
                text=_("✏️ {field}").format(field=_(q.label)),
                callback_data=Profile(action="edit", value=q.key).pack(),
            )
        ]
        for q in PROFILE_QUESTIONS
    ]
    return Screen("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows))


def status_label(status: str) -> str:
    label = STATUS_LABELS.get(status)  # type: ignore[call-overload]
    return _(label) if label else status


def dossier_title(dossier: Dossier) -> str:
    return dossier.answers.get("title") or _("Untitled dossier")


def dossiers_screen(dossiers: list[Dossier]) -> Screen:
    if not dossiers:
        text = _("Your city has no dossier yet.")
    else:
        text = "<b>" + _("Your city's dossiers") + "</b>\n" + _("Choose one to continue or view.")
    rows = []
    for dossier in dossiers[:30]:
        mark = dossier.reference or "📝"
        label = f"{mark} · {dossier_title(dossier)} · {status_label(dossier.status)}"
        rows.append(
            [
                InlineKeyboardButton(
                    text=label[:60], callback_data=Menu(dossier=dossier.id, action="open").pack()
                )
            ]
        )
    rows.append(_home(_("➕ New dossier"), "new"))
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=rows))


def statuses_screen(dossiers: list[Dossier]) -> Screen:
    if not dossiers:
        return Screen(_("Your city has no dossier yet. Start one with /new."))
    lines = ["<b>" + _("Status of your city's dossiers") + "</b>"]
    for dossier in dossiers:
        when = dossier.submitted_at or dossier.updated_at
        lines.append(
            f"• {html.quote(dossier.reference or '—')} · {html.quote(dossier_title(dossier))}\n"
            f"   {status_label(dossier.status)} · {format_long(when.date(), locale())}"
        )
    return Screen("\n".join(lines))
