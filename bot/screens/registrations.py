"""The Secretariat's card for a new registration, its decision, and what the person is told."""

from aiogram import html
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.domain.people import Registration, Verification
from bot.domain.profile_form import PROFILE_FORM
from bot.screens.base import Screen
from bot.screens.common import fill, shown_answer
from bot.telegram.people_callbacks import VerifyButton


def registration_lines(registration: Registration) -> list[str]:
    lines = []
    for question in PROFILE_FORM.visible_questions(registration.profile):
        value = registration.profile.get(question.key)
        if value:
            lines.append(
                _("{label}: {value}").format(
                    label=html.quote(_(question.label)), value=shown_answer(question, value)
                )
            )
    if registration.listed:
        lines.append(_("✅ A listed member city"))
    else:
        lines.append(_("⚠️ Not a listed member city"))
    return lines


def decision_buttons(telegram_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("✅ Verify"),
                    callback_data=VerifyButton(action="ok", person=telegram_id).pack(),
                ),
                InlineKeyboardButton(
                    text=_("✖ Refuse"),
                    callback_data=VerifyButton(action="no", person=telegram_id).pack(),
                ),
            ]
        ]
    )


def registration_card(registration: Registration) -> Screen:
    """For the Secretariat's chat, in its language: the profile and the decision buttons (none
    when an invite already vouched for the person)."""
    lines = ["<b>" + _("🆕 New registration") + "</b>", *registration_lines(registration)]
    if registration.verification == Verification.VERIFIED:
        lines.append(_("Verified already (invite link)."))
        return Screen("\n".join(lines))
    return Screen("\n".join(lines), decision_buttons(registration.telegram_id))


def pending_screen(registrations: list[Registration]) -> list[Screen]:
    if not registrations:
        return [Screen(_("No registration is waiting for verification."))]
    head = Screen("<b>" + _("Registrations waiting for verification") + "</b>")
    return [head] + [
        Screen("\n".join(registration_lines(r)), decision_buttons(r.telegram_id))
        for r in registrations
    ]


def decided_text(registration: Registration, by: str) -> str:
    """In the chat where the decision was taken."""
    name = html.quote(registration.name)
    if registration.verification == Verification.VERIFIED:
        return fill(
            _("✅ {name}'s registration is verified (by {by})."), name=name, by=html.quote(by)
        )
    return fill(
        _("✖ {name}'s registration is refused (by {by}). Reason: {reason}"),
        name=name,
        by=html.quote(by),
        reason=html.quote(registration.refusal_reason or ""),
    )


def already_decided(registration: Registration) -> str:
    if registration.verification == Verification.VERIFIED:
        return _("Already decided: this registration is verified.")
    return _("Already decided: this registration is refused.")


def refusal_prompt(registration: Registration) -> str:
    return fill(
        _("Why is the registration of {name} refused? They will read your reason."),
        name=html.quote(registration.name),
    )


def told_outcome(registration: Registration) -> str:
    """What the person is told, in their own language."""
    if registration.verification == Verification.VERIFIED:
        return _(
            "✅ The Permanent Secretariat has verified your registration. Your dossiers go to "
            "its queue as those of a verified city official."
        )
    return _(
        "✖ The Permanent Secretariat could not verify your registration. Its reason: {reason}\n"
        "You can correct your profile with /profile; your dossiers are kept."
    ).format(reason=html.quote(registration.refusal_reason or ""))
