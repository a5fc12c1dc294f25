"""Messages the bot sends on its own to other people (through the outbox)."""

from aiogram import html
from aiogram.utils.i18n import gettext as _

from bot.domain.countries import country_name
from bot.domain.forms import QUESTIONS
from bot.domain.rules import financing
from bot.screens.common import locale, money
from bot.screens.financing import share_text
from storage.models import Account, Dossier


def secretariat_card(dossier: Dossier, sender: Account) -> str:
    """The new-dossier card for the Secretariat's chat, in the current (the chat's) language."""
    answers = dossier.answers
    plan = financing(answers)
    sector = QUESTIONS["sector"].choice_label(answers.get("sector"))
    lines = [
        "<b>" + _("📥 New dossier {reference}").format(reference=dossier.reference) + "</b>",
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
            name=html.quote(sender.full_name or sender.first_name),
            function=html.quote(sender.function or ""),
        ),
    ]
    return "\n".join(lines)
