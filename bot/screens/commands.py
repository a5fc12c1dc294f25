"""Descriptions of the bot's commands, as Telegram shows them in the menu."""

from aiogram.utils.i18n import gettext as _


def descriptions() -> dict[str, str]:
    return {
        "emergency": _("Report an emergency"),
        "emergencies": _("Emergencies and their timelines"),
        "new": _("Start a new dossier"),
        "dossiers": _("Your city's dossiers"),
        "status": _("Status of submitted dossiers"),
        "profile": _("Your profile and city"),
        "language": _("Change the language"),
        "cancel": _("Leave the current question"),
        "help": _("What the bot can do"),
        "queue": _("Dossiers waiting on the Secretariat"),
        "dossier": _("A dossier by its reference"),
        "sessions": _("Bureau sessions"),
        "export": _("The queue as a spreadsheet"),
        "agenda": _("A Bureau session's agenda"),
        "stats": _("The Secretariat's charts"),
        "cities": _("Member cities"),
        "registrations": _("Registrations to verify"),
        "staff": _("Staff and invite links"),
    }
