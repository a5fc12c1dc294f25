"""Button payloads. Everything in them is client-controlled: handlers re-check it against the
database (owner, status, current question) before acting. A payload that does not parse (too
few or too many parts, a word where a number goes, a number no row can have) matches no
handler's filter and is answered "This button is no longer valid" (handlers/fallback.py)."""

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

SEPARATOR = ":"
MAX_CALLBACK_BYTES = 64  # Telegram refuses longer callback data
# A row's id (INTEGER on PostgreSQL, 0 for "none"), and a Telegram user's id (BIGINT): a forged
# number out of these ranges would fail in the database instead.
RecordId = Annotated[int, Field(ge=0, le=2**31 - 1)]
UserId = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]


class Step(CallbackData, prefix="q"):
    """An action on the question the person is at; `at` names it, so an old button is detected.
    `record` is a dossier's id, or 0 for the person's own profile."""

    record: RecordId
    at: str
    action: str
    value: str = ""


def _packed(prefix: str, *parts: int | str) -> str:
    """What `CallbackData.pack()` gives, without building and validating a model first: every
    button of every screen goes through here."""
    texts = [str(part) for part in parts]
    if any(SEPARATOR in text for text in texts):
        raise ValueError(f"a callback value holds the separator {SEPARATOR!r}: {texts}")
    data = SEPARATOR.join((prefix, *texts))
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def step_data(record: int, at: str, action: str, value: str = "") -> str:
    return _packed(Step.__prefix__, record, at, action, value)


def menu_data(record: int, action: str, value: str = "") -> str:
    return _packed(Menu.__prefix__, record, action, value)


class Menu(CallbackData, prefix="m"):
    """Record-level actions that are valid whatever question the person is at."""

    record: RecordId
    action: str
    value: str = ""


class Staff(CallbackData, prefix="s"):
    """The Secretariat's actions on a dossier; the presser's right is checked again every time."""

    action: str
    dossier: RecordId
    value: str = ""


def staff_data(action: str, dossier: int, value: str = "") -> str:
    return _packed(Staff.__prefix__, action, dossier, value)


class Lang(CallbackData, prefix="lang"):
    code: str


class Home(CallbackData, prefix="h"):
    action: str


class Alert(CallbackData, prefix="e"):
    """A button of an emergency (its alert card, or the city's answer): `emergency` is the
    dossier's id; the right to act is checked again on the server."""

    emergency: RecordId
    action: str


def alert_data(emergency: int, action: str) -> str:
    return _packed(Alert.__prefix__, emergency, action)


class Sheet(CallbackData, prefix="xl"):
    """A spreadsheet to send: `city`, the presser's own city's dossiers; for staff, `agenda` (a
    Bureau session's), `budget` (set that session's budget), `queue` (as filtered). Nothing in it
    is trusted: the city is the presser's own, and staff rights are checked again."""

    action: str
    session: RecordId = 0
    value: str = ""  # `queue`: the queue's filter (QueueFilter.pack)


def sheet_data(action: str, session: int = 0, value: str = "") -> str:
    return _packed(Sheet.__prefix__, action, session, value)


class Decide(CallbackData, prefix="d"):
    """A button of a decision being prepared ("📤 Send", "✏️ Change", "✖ Cancel", which reading
    of an amount, "yes, this amount"): `token` names the pending decision it belongs to, kept in
    the presser's conversation state; a button of any other (older, someone else's) does nothing."""

    token: str
    action: str
    value: str = ""


def decide_data(token: str, action: str, value: str = "") -> str:
    return _packed(Decide.__prefix__, token, action, value)


class Grant(CallbackData, prefix="g"):
    """A button of a project (`machine` "p", `ident` the project's id) or of one of its tranches
    ("t", the tranche's id): `action` a move's key or "show"; `value` the status the presser saw
    (a stale button changes nothing), or for "accept" the convention's version and the language
    of the copy sent (`2.ar`). Who may press it is checked again on the server."""

    machine: str
    action: str
    ident: RecordId
    value: str = ""


def grant_data(machine: str, action: str, ident: int, value: str = "") -> str:
    return _packed(Grant.__prefix__, machine, action, ident, value)
