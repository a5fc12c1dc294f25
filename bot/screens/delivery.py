"""What the bot says about its own deliveries: where the whole of a shortened text is, the admins'
page when a card or an alert could not be delivered, and a person's "what you missed"."""

import re

from aiogram import html
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.emergency import REFERENCE_PREFIX as EMERGENCY_PREFIX
from bot.domain.fitting import first_line
from bot.domain.workflow import REFERENCE_PREFIX as DOSSIER_PREFIX

_EMERGENCY = re.compile(rf"\b{EMERGENCY_PREFIX}-\d{{4}}-\d{{4,}}\b")
_DOSSIER = re.compile(rf"\b{DOSSIER_PREFIX}-\d{{4}}-\d{{4,}}\b")


def cut_pointer(text: str) -> str:
    """The last line of a text shortened to fit Telegram: where the whole of it is."""
    if (found := _EMERGENCY.search(text)) is not None:
        return (
            "<i>"
            + _("✂️ Shortened for Telegram. The whole report: /emergencies {reference}").format(
                reference=found.group()
            )
            + "</i>"
        )
    if (found := _DOSSIER.search(text)) is not None:
        return (
            "<i>"
            + _(
                "✂️ Shortened for Telegram. The whole dossier: /dossier {reference} and its PDF"
            ).format(reference=found.group())
            + "</i>"
        )
    return "<i>" + _("✂️ Shortened to fit Telegram's limit.") + "</i>"


def chat_name(which: str | None, chat_id: int) -> str:
    """A staff chat by what it is, anyone else by the chat's id."""
    names = {
        "secretariat": lambda: _("the Secretariat's chat"),
        "commission": lambda: _("the commission's chat"),
        "presidency": lambda: _("the Presidency's chat"),
    }
    name = names.get(which or "")
    return name() if name else _("the chat {chat_id}").format(chat_id=chat_id)


def _preview(text: str) -> str:
    """The first line of a message, as plain text, short."""
    return html.quote(first_line(text, 120))


def page_refused(which: str | None, chat_id: int, text: str, error: str) -> str:
    """To each admin: a card or an alert Telegram refused for good."""
    lines = [
        "🚨 <b>" + _("Not delivered to {chat}").format(chat=chat_name(which, chat_id)) + "</b>",
        _("Telegram refused it: {error}").format(error=html.quote(error[:300])),
    ]
    if preview := _preview(text):
        lines.append("« " + preview + " »")
    lines.append(_("It is listed in /outbox; retry it there once the cause is fixed."))
    return "\n".join(lines)


def page_unreachable(which: str | None, chat_id: int, error: str, waiting: int) -> str:
    """To each admin: a staff chat refuses the bot (it was removed from the group)."""
    return "\n".join(
        [
            "🚨 <b>"
            + _("The bot cannot post in {chat}").format(chat=chat_name(which, chat_id))
            + "</b>",
            html.quote(error[:300]),
            ngettext(
                "{count} message waits for it (dossier cards and alerts are kept): it is sent "
                "as soon as the bot can post there again. Add the bot to the group again.",
                "{count} messages wait for it (dossier cards and alerts are kept): they are sent "
                "as soon as the bot can post there again. Add the bot to the group again.",
                waiting,
            ).format(count=waiting),
        ]
    )


def page_reachable(which: str | None, chat_id: int) -> str:
    return "✅ " + _("The bot can post in {chat} again; what waited is being sent.").format(
        chat=chat_name(which, chat_id)
    )


def missed_summary(lines: list[str], total: int) -> str:
    """To someone who had blocked the bot and writes again: what did not reach them."""
    text = [
        "👋 <b>"
        + ngettext(
            "While the bot could not reach you, {count} message did not arrive:",
            "While the bot could not reach you, {count} messages did not arrive:",
            total,
        ).format(count=total)
        + "</b>",
        *("• " + html.quote(line) for line in lines),
    ]
    if total > len(lines):
        more = total - len(lines)
        text.append(ngettext("…and {count} more.", "…and {count} more.", more).format(count=more))
    text.append(_("/status shows where your city's dossiers stand now."))
    return "\n".join(text)
