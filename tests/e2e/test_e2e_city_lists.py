"""A city's lists of its dossiers, end to end in-process, in French, English and Arabic:
`/dossiers` buttons shorten a long title, never the status; `/status` gives the day of the last
change (not only the day the dossier was first submitted)."""

from datetime import UTC, datetime

from bot.services.people import link_city
from storage.accounts import new_account
from storage.models import Dossier, StatusChange
from testkit.factories import complete_answers
from testkit.harness import InProcessBot

CITY, ENGLISH, ARABIC = 821, 822, 823
TITLE = "Réhabilitation du réseau d’adduction d’eau potable des quartiers périphériques de Dakar"
SENT = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
ASKED = datetime(2027, 3, 12, 15, 0, tzinfo=UTC)
STATUS = {
    "fr": "Modifications demandées",
    "en": "Changes requested",
    "ar": "طُلبت تعديلات",
}
SINCE = {
    "fr": "Modifications demandées depuis le 12 mars 2027 · soumis le 2 mars 2027",
    "en": "Changes requested since 12 March 2027 · submitted on 2 March 2027",
    "ar": "طُلبت تعديلات منذ 12 مارس 2027 · قُدِّم في 2 مارس 2027",
}


async def dossier_in_changes_requested(app: InProcessBot) -> None:
    """Dakar's dossier with a long title, submitted on 2 March, changes asked on 12 March; three
    officials of Dakar reading French, English and Arabic (its author, and two verified ones)."""
    dossier_id = await app.seed(CITY, complete_answers(title=TITLE), "review")
    async with app.sessions() as session:
        dossier = await session.get(Dossier, dossier_id)
        dossier.status, dossier.reference = "changes_requested", "FC-2027-0042"
        dossier.submitted_at = SENT
        for source, target, at in (
            ("draft", "submitted", SENT),
            ("submitted", "in_review", SENT),
            ("in_review", "changes_requested", ASKED),
        ):
            change = StatusChange(dossier_id=dossier_id, from_status=source, to_status=target)
            change.by_user, change.at = CITY, at
            session.add(change)
        for user_id, language in ((ENGLISH, "en"), (ARABIC, "ar")):
            official = new_account(session, user_id, "Official")
            official.city_name, official.country, official.language = "Dakar", "SN", language
            official.full_name = f"Official {language}"
            # Verified: only a verified official reaches the city's dossiers they did not write.
            official.verification, official.registered_at = "verified", SENT
            await link_city(session, official)
        await session.commit()


async def test_the_lists_keep_the_status_and_give_the_day_of_the_last_change(
    app_on_each_database: InProcessBot,
) -> None:
    """On SQLite and PostgreSQL: the last change is read with the city's dossiers."""
    app = app_on_each_database
    await dossier_in_changes_requested(app)
    for user_id, language in ((CITY, "fr"), (ENGLISH, "en"), (ARABIC, "ar")):
        official = app.user(user_id, language_code=language)
        listing = await official.send("/dossiers")
        (label,) = [b for b in official.buttons(listing[-1]) if b.startswith("FC-2027-0042")]
        assert label.endswith(" · " + STATUS[language]) and len(label) <= 60, label
        assert label.startswith("FC-2027-0042 · Réhabilitation") and "…" in label

        status = await official.send("/status")
        assert SINCE[language] in status.texts[0], status.texts[0]
