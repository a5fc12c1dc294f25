"""Button payloads. Everything in them is client-controlled: handlers re-check it against the
database (owner, status, current question) before acting."""

from aiogram.filters.callback_data import CallbackData


class Step(CallbackData, prefix="q"):
    """An action on the question the person is at; `at` names it, so an old button is detected."""

    dossier: int
    at: str
    action: str
    value: str = ""


class Menu(CallbackData, prefix="m"):
    """Dossier-level actions that are valid whatever question the person is at."""

    dossier: int
    action: str
    value: str = ""


class Lang(CallbackData, prefix="lang"):
    code: str


class Profile(CallbackData, prefix="p"):
    action: str
    value: str = ""


class Home(CallbackData, prefix="h"):
    action: str
