"""What the bot says about its own deliveries: where the whole of a shortened text is, the admins'
page when a card or an alert could not be delivered, and a person's "what you missed"."""

import re

from aiogram.utils.i18n import gettext as _

from bot.domain.emergency import REFERENCE_PREFIX as EMERGENCY_PREFIX
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
