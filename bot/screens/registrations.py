"""The Secretariat's card for a new registration, its decision, and what the person is told."""

from aiogram import html
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.domain.people import REGISTRATION_MACHINE, Registration, Verification
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


def decision_buttons(registration: Registration) -> InlineKeyboardMarkup:
    def button(text: str, action: str) -> InlineKeyboardButton:
        data = VerifyButton(
            action=action, person=registration.telegram_id, city=registration.city_id or 0
        )
        return InlineKeyboardButton(text=text, callback_data=data.pack())

    moves = REGISTRATION_MACHINE.moves  # bot/domain/people.py: "Verify", "Refuse"
    return InlineKeyboardMarkup(inline_keyboard=[[button(_(m.label), m.key) for m in moves]])


def registration_card(registration: Registration) -> Screen:
    """For the Secretariat's chat, in its language: the profile and the decision buttons (none
    when an invite already vouched for the person)."""
    lines = ["<b>" + _("🆕 New registration") + "</b>", *registration_lines(registration)]
    if registration.verification == Verification.VERIFIED:
        lines.append(_("Verified already (invite link)."))
        return Screen("\n".join(lines))
    return Screen("\n".join(lines), decision_buttons(registration))


def pending_screen(registrations: list[Registration]) -> list[Screen]:
    if not registrations:
        return [Screen(_("No registration is waiting for verification."))]
    head = Screen("<b>" + _("Registrations waiting for verification") + "</b>")
    return [head] + [
        Screen("\n".join(registration_lines(r)), decision_buttons(r)) for r in registrations
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
    """To the second of two staff deciding at once (or a press on an old card): what the first
    decided; nothing else happens, nobody else is told."""
    name = registration.name if len(registration.name) <= 60 else registration.name[:59] + "…"
    name = html.quote(name)  # a button's alert holds 200 characters
    if registration.verification == Verification.VERIFIED:
        return _("This is no longer possible: the registration of {name} is now verified.").format(
            name=name
        )
    return _("This is no longer possible: the registration of {name} is now refused.").format(
        name=name
    )


def changed_city() -> str:
    """A card's button pressed after the person changed city: a new card is coming."""
    return _(
        "This is no longer possible: this person has changed city since this card; their new "
        "registration has a card of its own."
    )


def refusal_prompt(registration: Registration) -> str:
    refuse = next(m for m in REGISTRATION_MACHINE.moves if m.key == "no")
    return fill(_(refuse.prompt), name=html.quote(registration.name))


def told_outcome(registration: Registration) -> str:
    """What the person is told, in their own language."""
    if registration.verification == Verification.VERIFIED:
        return _(
            "✅ The Permanent Secretariat has verified your registration. Your dossiers go to "
            "its queue as those of a verified city official."
        )
    return _(
        "✖ The Permanent Secretariat could not verify your registration for {city}. Its reason: "
        "{reason}\n"
        "You no longer have access to {city}'s dossiers and emergency reports, including the "
        "drafts you started: they stay with the city, for its verified officials. If your city "
        "was wrong, choose the right one with /profile: the Secretariat will look at your "
        "registration again."
    ).format(
        city=html.quote(PROFILE_FORM.read(registration.profile).city),
        reason=html.quote(registration.refusal_reason or ""),
    )
