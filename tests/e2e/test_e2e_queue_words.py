"""`/queue` read in the staff member's language (issue 16 §9): statuses, sectors, countries,
currencies and sessions as they are written in it; a word it does not know answered with what
it accepts, never the whole queue; the heading names the filter; a decided status is not
"waiting"."""

import pytest

from storage.models import Dossier
from testkit.harness import InProcessBot
from testkit.seeds import SECRETARIAT as FRENCH_STAFF
from testkit.seeds import submitted

STAFF = {"fr": FRENCH_STAFF, "en": 641, "ar": 642}
# (typed, heading of the one dossier found) for a dossier in review, Dakar's solar lighting
IN_REVIEW = {
    "fr": (
        "/queue en_cours éclairage sénégal euro",
        "1 dossier « En cours d’examen » · Éclairage public solaire · Sénégal · EUR",
    ),
    "en": (
        "/queue in review solar senegal eur",
        "1 dossier “In review” · Solar street lighting · Senegal · EUR",
    ),
    "ar": (
        "/queue قيد الدراسة الإنارة السنغال يورو",
        "ملف واحد «قيد الدراسة» · الإنارة العمومية الشمسية",
    ),
}
NONE_MATCHES = {
    "fr": ("/queue marchés", "Aucun dossier ne correspond : Marchés."),
    "en": ("/queue markets", "No dossier matches: Markets."),
    "ar": ("/queue الأسواق", "الأسواق"),
}
UNKNOWN = {
    "fr": ("Je ne connais pas « xyz » comme filtre.", "Marchés", "Sénégal, SN"),
    "en": ("I do not know “xyz” as a filter.", "Markets", "Sénégal, SN"),
    "ar": ("«xyz»", "الأسواق", "Sénégal, SN"),
}
APPROVED = {
    "fr": ("/queue approuvé", "1 dossier « Approuvé »"),
    "en": ("/queue approved", "1 dossier “Approved”"),
    "ar": ("/queue تمت الموافقة", "تمت الموافقة"),
}
WAITING = {"fr": "en attente", "en": "waiting", "ar": "الانتظار"}


async def set_status(app: InProcessBot, dossier_id: int, status: str) -> None:
    async with app.sessions() as session:
        (await session.get(Dossier, dossier_id)).status = status
        await session.commit()


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
async def test_queue_words_in_the_staff_members_language(app: InProcessBot, language: str) -> None:
    dossier_id, _reference = await submitted(app)
    if language != "fr":
        await app.add_staff(STAFF[language], "secretariat", language, f"Staff {language}")
    staff = app.user(STAFF[language], language)
    await set_status(app, dossier_id, "in_review")

    typed, heading = IN_REVIEW[language]
    found = (await staff.send(typed))[-1]["text"]
    assert found.split("\n")[0].startswith(heading), found
    assert "FC-2026-0042" in found

    typed, said = NONE_MATCHES[language]
    assert said in (await staff.send(typed)).texts[-1]

    refused = (await staff.send("/queue xyz"))[-1]["text"]
    assert all(part in refused for part in UNKNOWN[language]), refused
    assert "FC-2026-0042" not in refused  # not the whole queue

    await set_status(app, dossier_id, "approved")
    typed, heading = APPROVED[language]
    approved = (await staff.send(typed))[-1]["text"].split("\n")[0]
    assert heading in approved and WAITING[language] not in approved, approved
