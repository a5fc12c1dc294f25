"""A decision shown before it goes: what the city will read, in each of its officials'
languages, with "📤 Send" / "✏️ Change" / "✖ Cancel"; an ambiguous amount asked back; an amount
that looks wrong refused or asked to be confirmed. Texts in the staff member's language, the
city's texts as they will be sent (the caller renders them in each official's language)."""

from dataclasses import dataclass
from decimal import Decimal

from aiogram import html
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.dates import format_long
from bot.domain.decisions import AmountConcern, CorrectionWindow, Draft
from bot.domain.emergency import Emergency
from bot.domain.forms import N_
from bot.domain.review import Case
from bot.domain.workflow import Transition
from bot.screens.base import Screen
from bot.screens.common import listed, locale, money, which_amount_text
from bot.screens.emergency import phase_label
from bot.screens.home import LANGUAGE_NAMES, status_label
from bot.telegram.callbacks import decide_data, staff_data


@dataclass(frozen=True)
class Foreseen:
    """What the officials reading one language will receive."""

    language: str
    readers: int  # how many officials read it in this language
    text: str


# A language named in the reader's own language ("Sousse reads Arabic"), unlike the language
# picker, which names each language in itself.
LANGUAGE_IN_WORDS = {"fr": N_("French"), "en": N_("English"), "ar": N_("Arabic")}


def city_reads(city: str, languages: list[str]) -> str:
    """Which languages the city's officials read, for the staff member writing to it."""
    order = list(LANGUAGE_IN_WORDS)
    codes = sorted(set(languages), key=lambda c: order.index(c) if c in order else len(order))
    named = [_(LANGUAGE_IN_WORDS.get(code, code)) for code in codes]
    if not named:
        return _("The city has no official the bot can tell: nobody will be told.")
    if len(named) == 1:
        return _("{city} reads {language}.").format(city=html.quote(city), language=named[0])
    return _("{city} reads {languages} and {language}.").format(
        city=html.quote(city), languages=listed(named[:-1]), language=named[-1]
    )


def _button(text: str, token: str, action: str, value: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=decide_data(token, action, value))


def _change_cancel(token: str) -> list[InlineKeyboardButton]:
    return [_button(_("✏️ Change"), token, "change"), _button(_("✖ Cancel"), token, "cancel")]


def decision_markup(token: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[_button(_("📤 Send"), token, "send")], _change_cancel(token)]
    )


def preview_screens(intro: str, foreseen: list[Foreseen], token: str) -> list[Screen]:
    """One message per language the city reads (each as it will be sent), the buttons under the
    last. `intro` says, in the staff member's language, which move this is."""
    heading = "<b>" + _("👁 Preview, nothing is sent yet") + "</b>\n" + intro
    if not foreseen:
        nobody = _("The city has no official the bot can tell: nobody will be told.")
        foreseen_texts = [heading + "\n\n" + nobody]
    else:
        foreseen_texts = []
        for number, shown in enumerate(foreseen):
            language = LANGUAGE_NAMES.get(shown.language, shown.language)
            who = ngettext(
                "What {count} official will read, in {language}:",
                "What {count} officials will read, in {language}:",
                shown.readers,
            ).format(count=shown.readers, language=language)
            top = heading + "\n\n" if number == 0 else ""
            foreseen_texts.append(top + "<i>" + who + "</i>\n\n" + shown.text)
    footer = _("Nothing is recorded or sent before “📤 Send”.")
    foreseen_texts[-1] += "\n\n<i>" + footer + "</i>"
    screens = [Screen(text) for text in foreseen_texts]
    screens[-1] = Screen(screens[-1].text, decision_markup(token))
    return screens


def which_amount(typed: str, choices: tuple[Decimal, ...], currency: str, token: str) -> Screen:
    """`700,000 — 700 000 € or 700 €?`: an ambiguous amount asked back, never guessed."""
    text, shown = which_amount_text(typed, choices, currency)
    picks = [_button(label, token, "pick", str(i)) for i, label in enumerate(shown)]
    markup = InlineKeyboardMarkup(inline_keyboard=[picks, _change_cancel(token)])
    return Screen(text, markup)


def concern_line(concern: AmountConcern, amount: Decimal, currency: str | None) -> str:
    given = money(amount, currency)
    asked = money(concern.asked, currency) if concern.asked is not None else ""
    if concern.code == "above_share":
        return _("{amount} is above the Fund's share of the total cost: at most {maximum}.").format(
            amount=given, maximum=money(concern.maximum or 0, currency)
        )
    if concern.code == "tenfold":
        return _(
            "{amount} is ten times the {asked} asked or more: check the number of zeros."
        ).format(amount=given, asked=asked)
    if concern.code == "above_asked":
        return _("{amount} is more than the {asked} asked.").format(amount=given, asked=asked)
    return _("{amount} is less than a tenth of the {asked} asked.").format(
        amount=given, asked=asked
    )


def refused_amount(concerns: list[AmountConcern], amount: Decimal, currency: str | None) -> str:
    lines = [concern_line(c, amount, currency) for c in concerns]
    return "⚠️ " + _("This amount cannot be used:") + "\n" + "\n".join(lines)


def confirm_amount(
    concerns: list[AmountConcern], amount: Decimal, currency: str | None, token: str
) -> Screen:
    """A second confirmation of an amount that looks wrong."""
    lines = [concern_line(c, amount, currency) for c in concerns]
    text = "⚠️ " + "\n".join(lines) + "\n\n" + _("Is this the right amount?")
    sure = _button(_("Yes, {amount}").format(amount=money(amount, currency)), token, "sure")
    markup = InlineKeyboardMarkup(inline_keyboard=[[sure], _change_cancel(token)])
    return Screen(text, markup)


def cancelled() -> Screen:
    return Screen(_("Cancelled: nothing was recorded or sent."))


def no_longer_waiting() -> str:
    return _("Nothing done: this decision was already sent, cancelled or replaced.")


def waiting_hint() -> Screen:
    return Screen(
        _("A decision is waiting under its preview: “📤 Send”, “✏️ Change” or “✖ Cancel”.")
    )


def move_intro(case: Case, transition: Transition, draft: Draft) -> str:
    """Which move the preview is of, for the staff member: the dossier, from → to, the amount."""
    lines = []
    if transition.correction:
        lines.append("✏️ " + _("Correction of the recorded decision"))
    lines.append(
        _("{reference}: “{source}” → “{target}”").format(
            reference=html.quote(case.record.reference or ""),
            source=status_label(case.record.status),
            target=status_label(transition.target),
        )
    )
    if draft.amount is not None:
        amount = money(draft.amount, case.record.currency)
        lines.append(_("Amount granted: {amount}").format(amount=amount))
    return "\n".join(lines)


def corrections_screen(case: Case, window: CorrectionWindow, options: list[Transition]) -> Screen:
    """ "✏️ Correct the decision": what it may become, until the next Bureau session."""
    reference = html.quote(case.record.reference or "")
    lines = [
        "<b>" + _("✏️ Correct the decision on {reference}").format(reference=reference) + "</b>",
        _("Recorded: “{status}”, on {day}.").format(
            status=status_label(case.record.status), day=format_long(window.decided_on, locale())
        ),
    ]
    if window.until is not None:
        lines.append(
            _("It may be corrected until the Bureau session of {day}.").format(
                day=format_long(window.until, locale())
            )
        )
    lines.append(
        _("What is the right decision? The city is told, with your reason; the history keeps both.")
    )
    rows = [
        [
            InlineKeyboardButton(
                text=_(t.label), callback_data=staff_data("mv", case.record.id, t.key)
            )
        ]
        for t in options
    ]
    return Screen("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows))


def emergency_intro(emergency: Emergency, draft: Draft) -> str:
    """Which decision on an emergency the preview is of, with its amount, for the staff member
    or the Presidency."""
    reference = html.quote(emergency.record.reference or "")
    proposal = emergency.proposal
    if draft.key == "propose" and draft.amount is not None:
        return _("{reference}: aid proposed, {amount} ({phase}) for {purpose}").format(
            reference=reference,
            amount=money(draft.amount, draft.currency),
            phase=phase_label(draft.phase or ""),
            purpose=html.quote(draft.note or ""),
        )
    if draft.key == "approve" and proposal is not None:
        return _("{reference}: aid approved, {amount} for {purpose}").format(
            reference=reference,
            amount=money(proposal.amount, proposal.currency),
            purpose=html.quote(proposal.purpose),
        )
    if draft.key == "other" and draft.amount is not None:
        proposed = money(proposal.amount, proposal.currency) if proposal is not None else "—"
        return _(
            "{reference}: aid approved, another amount: {amount} (proposed: {proposed})"
        ).format(reference=reference, amount=money(draft.amount, draft.currency), proposed=proposed)
    if draft.key == "reject":
        return _("{reference}: aid rejected").format(reference=reference)
    return _("{reference}: closed").format(reference=reference)
