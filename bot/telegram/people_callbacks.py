"""Buttons of the Secretariat's side (cities, staff, invites, verification) and of the city
picker. A payload names a record and an action only; the handler re-checks the right of the
person who pressed, and the record's current state, every time."""

from aiogram.filters.callback_data import CallbackData

from bot.telegram.callbacks import RecordId, UserId


class CityButton(CallbackData, prefix="ct"):
    """`list` (page), `open`, `name` / `country` / `aliases` (edit), `add`, `import`."""

    action: str
    city: RecordId = 0
    page: RecordId = 0


class PickCity(CallbackData, prefix="pk"):
    """At registration: a listed city picked for the city question, 0 for "not on the list"."""

    city: RecordId


class StaffButton(CallbackData, prefix="sf"):
    """`list`, `grant` (ask whom), `role` / `grant_ok` (person, role), `revoke` / `revoke_ok`
    (person, the role shown), `invite`, `inv_role` (role), `inv_city` (city; 0 asks which)."""

    action: str
    person: UserId = 0
    role: str = ""
    city: RecordId = 0


class InviteButton(CallbackData, prefix="iv"):
    """To the admin who made a link for admin or presidency: `ok` confirms the person who
    opened it, `no` declines them (the invite's id; only its maker may answer, once)."""

    action: str
    invite: RecordId


class VerifyButton(CallbackData, prefix="vf"):
    """On a registration's card: `ok` verifies, `no` asks the reason of a refusal. `city` is
    the city the card shows: once the person has changed city, the old card decides nothing."""

    action: str
    person: UserId
    city: RecordId = 0
