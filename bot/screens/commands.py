"""Descriptions of the bot's commands, as Telegram shows them in the menu and /help."""

from aiogram.types import BotCommand
from aiogram.utils.i18n import gettext as _

from bot.domain.roles import tools

# A city official's commands (everyone's menu); staff have their tools after them.
CITY_COMMANDS = (
    "emergency", "new", "dossiers", "status", "profile", "language", "cancel", "help",
)  # fmt: skip


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
        "outbox": _("Messages the bot could not deliver"),
    }


def bot_commands(names: tuple[str, ...]) -> list[BotCommand]:
    """The menu of these commands, described in the current language."""
    texts = descriptions()
    return [BotCommand(command=name, description=texts[name]) for name in names]


def personal_menu(role: str | None) -> list[BotCommand] | None:
    """A staff member's own menu (their chat's scope): a city's commands and the tools their
    role allows. None for a city official: the menu every chat has is theirs."""
    staff_tools = tools(role)
    return bot_commands(CITY_COMMANDS + staff_tools) if staff_tools else None


def tools_lines(role: str | None) -> list[str]:
    """The tools a staff member may use, one line each, for /help."""
    texts = descriptions()
    return [f"/{name} — {texts[name]}" for name in tools(role)]
