"""/outbox for admins: counts by state, the oldest undelivered message's age, the failed
messages with their error and a retry button each, the chats that refuse the bot."""

from datetime import timedelta

from aiogram import html
from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.dates import format_long
from bot.domain.outbox import OutboxSummary
from bot.screens.base import Screen
from bot.screens.common import locale
from bot.telegram.callbacks import RecordId

ERROR_SHOWN = 200  # characters of an error


class OutboxRetry(CallbackData, prefix="obx"):
    """Retry a failed outbox message: re-checked on the server (admin, row exists and failed)."""

    id: RecordId


def age(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
    hours = minutes // 60
    if hours < 48:
        return ngettext("{n} hour", "{n} hours", hours).format(n=hours)
    days = hours // 24
    return ngettext("{n} day", "{n} days", days).format(n=days)


def outbox_screen(summary: OutboxSummary) -> Screen:
    lines = [
        "<b>" + _("📮 Outbox") + "</b>",
        _("Waiting: {waiting} · Sending: {sending} · Sent: {sent} · Failed: {failed}").format(
            waiting=summary.waiting,
            sending=summary.sending,
            sent=summary.sent,
            failed=summary.failed,
        ),
    ]
    if summary.oldest_undelivered is None:
        lines.append(_("Nothing is waiting."))
    else:
        lines.append(
            _("Oldest undelivered: {age} ago.").format(age=age(summary.oldest_undelivered))
        )
    buttons = []
    if summary.failures:
        lines += ["", "<b>" + _("Failed messages (most recent first):") + "</b>"]
        for failure in summary.failures:
            lines.append(
                _("#{id} to {chat} ({kind}): {error}").format(
                    id=failure.id,
                    chat=failure.chat_id,
                    kind=failure.kind,
                    error="<i>" + html.quote(failure.error[:ERROR_SHOWN]) + "</i>",
                )
            )
            buttons.append(
                [
                    InlineKeyboardButton(
                        text=_("🔁 Retry #{id}").format(id=failure.id),
                        callback_data=OutboxRetry(id=failure.id).pack(),
                    )
                ]
            )
    if summary.unreachable:
        lines += ["", "<b>" + _("Unreachable (blocked the bot or removed it):") + "</b>"]
        for chat in summary.unreachable:
            lines.append(
                _("{chat} since {date}: {error}").format(
                    chat=chat.chat_id,
                    date=format_long(chat.since.date(), locale()),
                    error="<i>" + html.quote(chat.error[:ERROR_SHOWN]) + "</i>",
                )
            )
    markup = InlineKeyboardMarkup(inline_keyboard=buttons) if buttons else None
    return Screen("\n".join(lines), markup)


def outbox_refused() -> Screen:
    return Screen(_("Sorry, only administrators can see the outbox."))
