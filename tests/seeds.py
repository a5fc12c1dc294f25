"""Dossiers put straight into the database, at the point a test starts from: a complete draft
with its files, at its review; a dossier in the Secretariat's queue with officials of two cities
and staff of every role."""

from bot.services.people import link_city
from storage.accounts import new_account
from storage.models import Attachment, Dossier
from tests.factories import complete_answers, complete_files
from tests.harness import InProcessBot

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
