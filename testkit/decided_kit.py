"""A dossier of Dakar at the Bureau's decision, with officials in French and Arabic, and the staff
member who decides it in the Secretariat's chat (the decisions' and the grant's tests)."""

from datetime import date
from typing import Any

from bot.services.people import link_city
from storage.accounts import new_account
from storage.models import Account, BureauSession, Dossier
from testkit.harness import SECRETARIAT_GROUP, InProcessBot
from testkit.seeds import CITY, submitted
from testkit.seeds import SECRETARIAT as STAFF_ID

ARABIC_OFFICIAL = 611


def card_in(chat_id: int) -> dict:
    """A message of the bot in a private chat, for buttons pressed (or forged) on it."""
    return {"message_id": 1, "date": 1, "chat": {"id": chat_id, "type": "private"}, "text": "…"}


async def in_status(app: InProcessBot, status: str, *, session_day: date | None = None) -> int:
    """The seeded Dakar dossier (officials in French and Arabic) moved to `status`, on a Bureau
    session when one is given."""
    dossier_id, _reference = await submitted(app)
    async with app.sessions() as session:
        account = new_account(session, ARABIC_OFFICIAL, "Layla")
        account.language, account.city_name, account.country = "ar", "Dakar", "SN"
        account.full_name, account.verification = "Layla Haddad", "verified"
        await link_city(session, account)
        (await session.get(Account, CITY)).verification = "verified"
        dossier = await session.get(Dossier, dossier_id)
        dossier.status = status
        if session_day is not None:
            row = BureauSession(held_on=session_day, deadline=session_day, place="Paris")
            session.add(row)
            await session.flush()
            dossier.session_id = row.id
        await session.commit()
    await app.user(ARABIC_OFFICIAL, "ar").send("/start")  # its chat with the bot
    return dossier_id


def staff_user(app: InProcessBot) -> Any:
    return app.user(STAFF_ID, group=SECRETARIAT_GROUP)


async def opened(app: InProcessBot, staff: Any) -> dict:
    """The whole dossier on the staff member's screen: its last message carries the moves."""
    return (await staff.send("/dossier FC-2026-0042"))[-1]
