"""Messages the bot sends on its own to other people (through the outbox)."""

from aiogram import html
from aiogram.utils.i18n import gettext as _

from bot.domain.countries import country_name
from bot.domain.fund_form import FUND_FORM
from bot.domain.records import Person, Record
from bot.domain.rules import financing
from bot.screens.common import locale, money
from bot.screens.financing import share_text


def secretariat_card(record: Record, sender: Person) -> str:
    """The new-dossier card for the Secretariat's chat, in the current (the chat's) language."""
    answers = record.answers
    plan = financing(answers)
    sector = FUND_FORM.questions["sector"].choice_label(answers.get("sector"))
    lines = [
        "<b>" + _("📥 New dossier {reference}").format(reference=record.reference) + "</b>",
        _("City: {city} ({country})").format(
            city=html.quote(answers.get("city", "")),
            country=html.quote(country_name(answers.get("country", ""), locale())),
        ),
        _("Title: {title}").format(title=html.quote(answers.get("title", ""))),
        _("Sector: {sector}").format(sector=html.quote(_(sector) if sector else "")),
        _("Total cost: {amount}").format(amount=money(plan.total, plan.currency)),
        _("Asked of the Fund: {amount} ({share})").format(
            amount=money(plan.fund, plan.currency), share=share_text(plan, plan.fund)
        ),
        _("Sent by: {name}, {function}").format(
            name=html.quote(sender.profile.get("full_name") or sender.first_name),
            function=html.quote(sender.profile.get("function") or ""),
        ),
    ]
    return "\n".join(lines)
