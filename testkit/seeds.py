"""Dossiers put straight into the database, at the point a test starts from: a complete draft
with its files, at its review; a dossier in the Secretariat's queue with officials of two cities
and staff of every role; an official of Toamasina, and their flood reported through the bot (in
process or over HTTP: any user of the stand-in)."""

import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.people import link_city
from storage.accounts import new_account
from storage.models import Attachment, Dossier
from storage.types import utcnow
from testkit.factories import complete_answers, complete_files
from testkit.harness import InProcessBot

REFUSED = "Désolé, ceci est réservé au personnel du Secrétariat permanent qui en a le droit."
CITY, OTHER_CITY, SECRETARIAT, COMMISSION, PRESIDENCY, ADMIN = 601, 602, 603, 604, 605, 606
STAFF = {SECRETARIAT: "secretariat", COMMISSION: "commission", PRESIDENCY: "presidency",
         ADMIN: "admin"}  # fmt: skip


async def submitted(app: InProcessBot) -> tuple[int, str]:
    """A dossier of Dakar in the Secretariat's queue, officials of two cities, and staff."""
    dossier_id = await app.seed(CITY, complete_answers(), "review")
    async with app.sessions() as session:
        dossier = await session.get(Dossier, dossier_id)
        dossier.status, dossier.reference = "submitted", "FC-2026-0042"
        other = new_account(session, OTHER_CITY, "Jean")
        other.city_name, other.country, other.language = "Kigali", "RW", "fr"
        await link_city(session, other)
        await session.commit()
    for user_id, role in STAFF.items():
        await app.add_staff(user_id, role, "fr", f"Staff {user_id}")
    await app.user(CITY).send("/start")  # the city's chat with the bot, where it is told things
    return dossier_id, "FC-2026-0042"


async def complete_dossier(app: InProcessBot, user_id: int, language: str = "fr") -> int:
    """A complete draft of Dakar (answers and files), at its review."""
    answers = complete_answers()
    dossier_id = await app.seed(user_id, answers, "review", language=language)
    async with app.sessions() as session:
        for slot in complete_files(answers):
            session.add(
                Attachment(
                    dossier_id=dossier_id,
                    slot=slot,
                    file_name=f"{slot}.pdf",
                    mime_type="application/pdf",
                    size=8,
                    sha256="0" * 64,
                    path=f"/nowhere/{slot}.pdf",
                    telegram_file_id=f"file-{slot}",
                    uploaded_by=user_id,
                )
            )
        await session.commit()
    return dossier_id


async def official(
    sessions: async_sessionmaker[AsyncSession],
    user_id: int,
    language: str,
    name: str,
    verified: bool = False,
) -> None:
    """A registered official of Toamasina (Madagascar); `verified` by the Secretariat (then they
    reach every record of the city and are told of them, not only of their own)."""
    async with sessions() as session:
        account = new_account(session, user_id, name.split()[0])
        account.language = language
        account.city_name, account.country = "Toamasina", "MG"
        account.full_name, account.function = name, "Maire adjoint"
        account.phone, account.email = "+261340000000", f"{user_id}@toamasina.mg"
        if verified:
            account.verification, account.registered_at = "verified", utcnow()
        await link_city(session, account)
        await session.commit()


async def report_flood(city: Any) -> str:
    """A French official reports a flood with the five required answers; its reference."""
    screen = (await city.send("/emergency"))[-1]
    screen = (await city.press(screen, "Inondation"))[-1]
    screen = (await city.press(screen, "Aujourd’hui"))[-1]
    screen = (await city.send("Quartiers Nord"))[-2]
    screen = (await city.press(screen, "Passer ⏭"))[-1]
    screen = (await city.send("La rivière a débordé cette nuit, trois écoles sont inondées."))[-1]
    screen = (await city.send("1200"))[-1]
    sent = (await city.press(screen, "🚨 Envoyer maintenant"))[-1]
    found = re.search(r"FU-\d{4}-\d{4}", sent["text"])
    assert found is not None, sent["text"]
    return found.group()
