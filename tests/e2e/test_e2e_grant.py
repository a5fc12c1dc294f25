"""The grant after the vote, in process (issue 17): the Bureau's approval makes the project; the
Secretariat proposes the convention, each official gets its PDF in their language (read back:
amounts as that language writes them, the tranches) and the Arabic official accepts the copy
they were sent; tranche 1 comes due, staff pay it, the city confirms it arrived; the city sees
granted, paid and received. Forged buttons (another city, an unverified account, non-staff)
change nothing; two staff paying one tranche at once record one payment."""

import asyncio
import hashlib
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.domain.follow_up import add_months
from bot.domain.forms import Form, Kind
from bot.domain.numbers import format_money
from bot.domain.report_form import ReportPlan, report_form
from bot.services.projects import after_decision
from bot.telegram.callbacks import grant_data
from bot.telegram.i18n import build_i18n
from storage.models import (
    Account,
    Attachment,
    ConventionAcceptance,
    ConventionCopy,
    Dossier,
    Payment,
    Project,
    Report,
    Tranche,
)
from testkit.decided_kit import ARABIC_OFFICIAL, card_in, in_status, opened, staff_user
from testkit.harness import SECRETARIAT, InProcessBot
from testkit.pdf_kit import found, pages
from testkit.seeds import ADMIN, CITY, OTHER_CITY
from testkit.seeds import SECRETARIAT as STAFF_ID

NARROW = "\u202f"


async def approved(app: InProcessBot) -> int:
    """FC-2026-0042 approved by the Bureau with 700 000 €, through the staff's buttons."""
    dossier_id = await in_status(app, "scheduled", session_day=date(2027, 4, 28))
    staff = staff_user(app)
    await staff.press(await opened(app, staff), "🏅 Approuvé par le Bureau")
    shown = await staff.send("700 000", expect=2)
    await staff.press(shown[-1], "📤 Envoyer")
    await app.drain_outbox()
    return dossier_id


def last_with(app: InProcessBot, chat: int, needle: str) -> dict:
    found = [
        m for m in app.api.messages(chat) if needle in (m.get("text") or m.get("caption") or "")
    ]
    assert found, [m.get("text") or m.get("caption") for m in app.api.messages(chat)]
    return found[-1]


def pdf_text(app: InProcessBot, message: dict) -> str:
    return "\n".join(pages(app.api.files.get(message["document"]["file_id"]).content))


async def tranche_rows(app: InProcessBot, project_id: int) -> list[tuple[int, str, str]]:
    async with app.sessions() as session:
        rows = await session.scalars(
            select(Tranche).where(Tranche.project_id == project_id).order_by(Tranche.number)
        )
        return [(t.number, str(Decimal(t.amount).normalize()), t.status) for t in rows]


async def test_approval_convention_acceptance_payment_and_receipt(app: InProcessBot) -> None:
    dossier_id = await approved(app)
    async with app.sessions() as session:
        project = await session.get(Project, dossier_id)
        assert project is not None and project.status == "preparing"
        assert project.granted == "700000" and project.currency == "EUR"
    assert await tranche_rows(app, dossier_id) == [
        (1, "3.5E+5", "planned"),
        (2, "2.8E+5", "planned"),
        (3, "7E+4", "planned"),
    ]
    # The city is not told of a convention before it is proposed; the Secretariat's chat is.
    card = last_with(app, SECRETARIAT, "Préparez sa convention")
    staff = staff_user(app)
    before = {chat: len(app.api.messages(chat)) for chat in (CITY, ARABIC_OFFICIAL)}
    await staff.press(card, "📜 Proposer la convention")
    await app.drain_outbox()

    (french,) = [m for m in app.api.messages(CITY)[before[CITY] :] if "document" in m]
    (arabic,) = [
        m for m in app.api.messages(ARABIC_OFFICIAL)[before[ARABIC_OFFICIAL] :] if "document" in m
    ]
    assert "Convention FC-2026-0042, version 1" in french["caption"]
    for message, language in ((french, "fr"), (arabic, "ar")):
        text = pdf_text(app, message)
        amounts = [format_money(Decimal(n), "EUR", language) for n in (700000, 350000, 280000)]
        assert all(found(a, text, language == "ar", cell=True) for a in amounts), amounts
    assert found("Nous acceptons la convention", pdf_text(app, french), cell=True)
    assert found("نقبل الاتفاقية", pdf_text(app, arabic), True, cell=True)
    assert (
        app.api.files.get(arabic["document"]["file_id"]).content
        != app.api.files.get(french["document"]["file_id"]).content
    )

    # Another city's official, and the staff, pressing the (forged) acceptance change nothing.
    forged = grant_data("p", "accept", dossier_id, "1.fr")
    for intruder in (OTHER_CITY,):
        await app.user(intruder).press_data(card_in(intruder), forged, expect=0)
    async with app.sessions() as session:
        assert (await session.get(Project, dossier_id)).status == "convention_proposed"

    layla = app.user(ARABIC_OFFICIAL, "ar")
    await layla.press(arabic, "نقبل الاتفاقية")
    await app.drain_outbox()
    async with app.sessions() as session:
        (acceptance,) = await session.scalars(select(ConventionAcceptance))
        copy = await session.scalar(select(ConventionCopy).where(ConventionCopy.language == "ar"))
        sent = app.api.files.get(arabic["document"]["file_id"]).content
        assert acceptance.sha256 == copy.sha256 == hashlib.sha256(sent).hexdigest()
        assert acceptance.by_user == ARABIC_OFFICIAL and acceptance.language == "ar"
        assert (await session.get(Project, dossier_id)).status == "under_way"
    assert (await tranche_rows(app, dossier_id))[0] == (1, "3.5E+5", "due")
    told = last_with(app, CITY, "a accepté la convention")
    assert "Layla" in told["text"]
    assert "tranche 1 de FC-2026-0042" in last_with(app, CITY, "est exigible")["text"]

    # A second press of the acceptance changes nothing.
    again = await layla.press(arabic, "نقبل الاتفاقية")
    assert again.texts and "FC-2026-0042" in again.texts[0]
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(ConventionAcceptance)) == 1

    # Staff pay tranche 1; the city confirms it arrived.
    due = last_with(app, SECRETARIAT, "La tranche 1 est exigible")
    asked = await staff.press(due, "💶 Marquer comme versée · 1")
    assert "VIR-2027-118" in asked.texts[-1]
    over = await staff.send("15/05/2027 900 000 VIR-1")
    assert "dépasse ce qui reste de la subvention" in over.texts[0]
    asked = await staff.press(due, "💶 Marquer comme versée · 1")
    await staff.send("15/05/2027 350 000 VIR-2027-118", expect=2)
    await app.drain_outbox()
    paid = last_with(app, CITY, "VIR-2027-118")
    await app.user(CITY).press(paid, "✅ Nous l’avons reçue")
    await app.drain_outbox()
    async with app.sessions() as session:
        (payment,) = await session.scalars(select(Payment))
        assert payment.amount == "350000" and payment.received_amount == "350000"
    assert (await tranche_rows(app, dossier_id))[0] == (1, "3.5E+5", "received")
    view = await app.user(CITY).send("/project FC-2026-0042")
    assert f"Accordé 700{NARROW}000" in view.texts[0]
    assert f"versé 350{NARROW}000" in view.texts[0] and f"reçu 350{NARROW}000" in view.texts[0]
    assert "tranche 2" in view.texts[0]
    # The Arabic official was told each step in Arabic: due, paid (with its buttons), received.
    in_arabic = [m["text"] for m in app.api.messages(ARABIC_OFFICIAL) if "text" in m]
    assert any("الشريحة 1 من FC-2026-0042" in t and "مستحقة" in t for t in in_arabic)
    assert any("VIR-2027-118" in t and "دُفع" in t for t in in_arabic)
    assert any("أكّد Awa" in t and "وصول الشريحة 1" in t for t in in_arabic)
    layla_view = await layla.send("/project FC-2026-0042")
    assert "الممنوح" in layla_view.texts[0] and "الشريحة 2" in layla_view.texts[0]
    await staff.send("/stats", expect=0)
    figures = last_with(app, SECRETARIAT, "par session du Bureau")["text"]
    assert (
        f"28 avril 2027 : 1 projet, accordé 700{NARROW}000\xa0€ ; versé 350{NARROW}000" in figures
    )


async def test_forged_project_and_tranche_buttons_change_nothing(app: InProcessBot) -> None:
    dossier_id = await approved(app)
    async with app.sessions() as session:
        tranche_id = await session.scalar(
            select(Tranche.id).where(Tranche.project_id == dossier_id, Tranche.number == 1)
        )
        other = await session.get(Account, OTHER_CITY)
        other.verification = "verified"
        unverified = await session.get(Account, ARABIC_OFFICIAL)
        unverified.verification = "pending"
        await session.commit()
    buttons = [
        grant_data("p", "propose", dossier_id, "preparing"),
        grant_data("p", "cancel", dossier_id, "preparing"),
        grant_data("t", "pay", tranche_id, "due"),
        grant_data("t", "received", tranche_id, "paid"),
        grant_data("p", "accept", dossier_id, "0.fr"),
    ]
    for person in (OTHER_CITY, ARABIC_OFFICIAL, CITY):  # another city, unverified, not staff
        for data in buttons:
            await app.user(person).press_data(card_in(person), data, expect=0)
    await app.drain_outbox()
    async with app.sessions() as session:
        assert (await session.get(Project, dossier_id)).status == "preparing"
        assert await session.scalar(select(func.count()).select_from(ConventionCopy)) == 0
    assert {s for _n, _a, s in await tranche_rows(app, dossier_id)} == {"planned"}


async def test_two_staff_paying_one_tranche_at_once_record_one_payment(app: InProcessBot) -> None:
    dossier_id = await approved(app)
    async with app.sessions() as session:
        for tranche in await session.scalars(
            select(Tranche).where(Tranche.project_id == dossier_id)
        ):
            tranche.status = "due" if tranche.number == 1 else tranche.status
        (await session.get(Project, dossier_id)).status = "under_way"
        await session.commit()
        tranche_id = await session.scalar(
            select(Tranche.id).where(Tranche.project_id == dossier_id, Tranche.number == 1)
        )
    staff = [app.user(person) for person in (STAFF_ID, ADMIN)]  # the secretariat, an admin
    for person in staff:
        await person.press_data(card_in(person.id), grant_data("t", "pay", tranche_id, "due"))
    replies = await asyncio.gather(*(p.send("15/05/2027 350 000 VIR-X") for p in staff))
    assert sum("n’est plus possible" in r.texts[0] for r in replies) == 1
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Payment)) == 1


async def test_a_changed_convention_needs_a_new_acceptance(app: InProcessBot) -> None:
    dossier_id = await approved(app)
    staff = staff_user(app)
    adjusted = await staff.send("/tranche FC-2026-0042 1 amount 400 000", expect=2)
    assert f"Tranche 1 : 400{NARROW}000" in adjusted.texts[-1]
    assert f"Tranche 3 : 20{NARROW}000" in adjusted.texts[-1]  # the last takes the difference
    refused = await staff.send("/tranche FC-2026-0042 1 amount 800 000")
    assert "Rien n’a été modifié" in refused.texts[0]
    before = len(app.api.messages(CITY))
    await staff.press(last_with(app, SECRETARIAT, "Préparez sa convention"), "📜 Proposer")
    await app.drain_outbox()
    (first,) = [m for m in app.api.messages(CITY)[before:] if "document" in m]
    asked = await staff.press(last_with(app, SECRETARIAT, "a proposé la convention"), "✏️ Modifier")
    assert "pourquoi" in asked.texts[-1]
    await staff.send("Le calendrier change.", expect=2)
    await app.drain_outbox()
    assert "nouvelle version suivra" in last_with(app, CITY, "Le calendrier change.")["text"]
    late = await staff.send("/tranche FC-2026-0042 2 date 15/09/2027", expect=2)
    assert "Tranche 2" in late.texts[-1]
    await staff.press(last_with(app, SECRETARIAT, "a ajusté la convention"), "📜 Proposer")
    await app.drain_outbox()
    old = await app.user(CITY).press(first, "✅ Nous acceptons la convention")
    assert "n’est plus possible" in old.texts[0]
    async with app.sessions() as session:
        assert (await session.get(Project, dossier_id)).status == "convention_proposed"
        assert await session.scalar(select(func.count()).select_from(ConventionAcceptance)) == 0
    second = [m for m in app.api.messages(CITY) if "document" in m][-1]
    assert "version 2" in second["caption"]
    await app.user(CITY).press(second, "✅ Nous acceptons la convention")
    async with app.sessions() as session:
        (acceptance,) = await session.scalars(select(ConventionAcceptance))
        assert acceptance.version == 2 and acceptance.language == "fr"


async def test_the_portfolio_and_the_disbursements_sheet(app: InProcessBot) -> None:
    await approved(app)
    staff = staff_user(app)
    listed = await staff.send("/projects")
    assert (
        "FC-2026-0042" in listed.texts[0] and f"0\xa0€ versés sur 700{NARROW}000" in listed.texts[0]
    )
    assert "Aucun projet" in (await staff.send("/projects under_way")).texts[0]
    sheet = await staff.press(listed[-1], "📊 Décaissements")
    content = app.api.files.get(sheet[-1]["document"]["file_id"]).content
    rows = [[c.value for c in r] for r in load_workbook(BytesIO(content)).active.iter_rows()]
    assert rows[0][:3] == ["Référence", "Ville", "Pays"]
    assert [r[4] for r in rows[1:]] == [1, 2, 3] and rows[1][6] == 350000
    # The city sees nothing of a project being prepared; another city nothing at all.
    assert "pas encore de projet" in (await app.user(CITY).send("/projects")).texts[0]
    assert (
        "Aucun projet accessible"
        in (await app.user(OTHER_CITY).send("/project FC-2026-0042")).texts[0]
    )


def report_answers(form: Form, answers: dict) -> dict:
    """Every question of a report answered (a photo given beside)."""
    values = {Kind.NUMBER: "120", Kind.WHOLE: 60, Kind.MONEY: "1000"}
    filled = dict(answers)
    for key, question in form.questions.items():
        if question.kind in values:
            filled[key] = values[question.kind]
        elif question.kind == Kind.TEXT:
            filled[key] = "Les travaux avancent comme prévu dans les quartiers."
    return filled


async def test_a_report_opened_on_the_calendar_is_filled_submitted_and_approved(
    app: InProcessBot,
) -> None:
    dossier_id = await approved(app)
    staff = staff_user(app)
    await staff.press(last_with(app, SECRETARIAT, "Préparez sa convention"), "📜 Proposer")
    await app.drain_outbox()
    french = [m for m in app.api.messages(CITY) if "document" in m][-1]
    await app.user(CITY).press(french, "✅ Nous acceptons la convention")
    async with app.sessions() as session:
        for tranche in await session.scalars(select(Tranche).where(Tranche.number == 1)):
            tranche.status = "received"  # paid and received, as the first test shows
        project = await session.get(Project, dossier_id)
        start = project.start_on
        people = {**project.framework[0], "counts_people": True, "women": 600, "men": 600}
        project.framework = [people, *project.framework[1:]]  # an indicator that counts people
        await session.commit()

    # The scheduler asks for progress report 1 fourteen days before its day (start + 6 months).
    due = add_months(start, 6)
    assert app.app is not None and app.app.scheduler is not None
    await app.app.scheduler.run_once(datetime.combine(due - timedelta(days=15), time(9), UTC))
    assert not [m for m in app.api.messages(CITY) if "Remplissez-le ici" in (m.get("text") or "")]
    await app.app.scheduler.run_once(datetime.combine(due - timedelta(days=14), time(9), UTC))
    await app.drain_outbox()
    asked = last_with(app, CITY, "Rapport d’étape 1 de FC-2026-0042")
    first = await app.user(CITY).press(asked, "✍️ Remplir le rapport")
    assert "Valeur atteinte" in first.texts[-1]  # the form built from the project's framework
    view = await app.user(CITY).send("/project FC-2026-0042")
    assert "📝 Rapport d’étape 1, attendu le" in view.texts[0]
    assert "✍️ Rapport d’étape 1" in app.user(CITY).buttons(view[-1])
    arabic = last_with(app, ARABIC_OFFICIAL, "FC-2026-0042")
    assert "التقرير المرحلي 1" in arabic["text"]

    async with app.sessions() as session:  # the rest answered as the questionnaire saves them
        (report,) = await session.scalars(select(Report))
        record = await session.get(Dossier, report.dossier_id)
        form = report_form(ReportPlan.from_json(report.plan))
        record.answers = report_answers(form, record.answers)
        record.cursor = {"q": "review"}
        session.add(
            Attachment(
                dossier_id=record.id, slot="photos", file_name="travaux.jpg",
                mime_type="image/jpeg", size=8, sha256="0" * 64, path="/nowhere/travaux.jpg",
                telegram_file_id="file-photo", uploaded_by=CITY,
            )
        )  # fmt: skip
        await session.commit()
        record_id = record.id
    # Someone of another city cannot submit it; the city's official can, once.
    await app.user(OTHER_CITY).press_data(card_in(OTHER_CITY), f"m:{record_id}:submit_ok:")
    sent = await app.user(CITY).press_data(card_in(CITY), f"m:{record_id}:submit_ok:", expect=2)
    assert "Rapport soumis" in sent.texts[0]
    await app.drain_outbox()
    card = last_with(app, SECRETARIAT, "a soumis Rapport d’étape 1")
    assert card["document"]["file_name"].endswith(".pdf")
    async with app.sessions() as session:
        assert (await session.get(Dossier, record_id)).status == "report_submitted"

    # Returned for one item: only that item reopens; the rest stays as it was.
    asked = await staff.press(card, "↩ Renvoyer pour révision")
    assert "1. " in asked.texts[-1] and "Seuls ces points sont rouverts" in asked.texts[-1]
    await staff.send("1 Précisez la valeur atteinte.", expect=2)
    await app.drain_outbox()
    returned = last_with(app, CITY, "pour révision")
    assert "Précisez la valeur atteinte." in returned["text"]
    revise = await app.user(CITY).press(returned, "✍️ Remplir le rapport")
    assert "Valeur atteinte" in revise.texts[-1]
    await app.user(CITY).send("130")
    await app.user(CITY).send("70")  # women and men, asked again with it, add up to it
    await app.user(CITY).send("60")
    async with app.sessions() as session:
        row = await session.get(Dossier, record_id)
        assert row.status == "report_returned"
        reached = [k for k in row.answers if k.startswith("reached_")]
        assert row.answers[reached[0]] == "130"
        assert row.answers["progress"] == "Les travaux avancent comme prévu dans les quartiers."
    forged = await app.user(CITY).press_data(card_in(CITY), f"q:{record_id}:progress:edit:")
    assert forged.texts
    async with app.sessions() as session:  # a forged button of another item changes nothing
        row = await session.get(Dossier, record_id)
        assert row.answers["progress"] == "Les travaux avancent comme prévu dans les quartiers."
    again = await app.user(CITY).press_data(card_in(CITY), f"m:{record_id}:submit_ok:", expect=2)
    assert "Rapport soumis" in again.texts[0]
    await app.drain_outbox()
    card = last_with(app, SECRETARIAT, "a soumis Rapport d’étape 1")

    # Not staff: nothing; staff approve it, and tranche 2, which waited for it, comes due.
    await app.user(CITY).press_data(
        card_in(CITY), f"g:r:approve:{record_id}:report_submitted", expect=0
    )
    assert (await tranche_rows(app, dossier_id))[1][2] == "planned"
    await staff.press(card, "✅ Approuver le rapport")
    await app.drain_outbox()
    assert (await tranche_rows(app, dossier_id))[1] == (2, "2.8E+5", "due")
    assert "a approuvé Rapport d’étape 1" in last_with(app, CITY, "approuvé")["text"]
    again = await staff.press(card, "✅ Approuver le rapport")
    assert "n’est plus possible" in again.texts[0]
    await staff.send("/stats", expect=0)
    reached = last_with(app, SECRETARIAT, "Résultats atteints")["text"]
    assert "Éclairage public solaire · Sénégal : 130 atteintes, 70 femmes et 60 hommes" in reached


async def test_a_corrected_decision_is_followed_by_its_project(app: InProcessBot) -> None:
    """Within the correction window: a new amount re-plans the schedule of a project still
    prepared; a decision corrected away from "approved" cancels it."""
    dossier_id = await approved(app)
    i18n = build_i18n("fr")
    async with app.sessions() as session:
        row = await session.get(Dossier, dossier_id)
        row.granted_amount = "500000"
        with i18n.context():
            await after_decision(session, row, app.settings, i18n, "Staff")
        await session.commit()
    assert [a for _n, a, _s in await tranche_rows(app, dossier_id)] == ["2.5E+5", "2E+5", "5E+4"]
    async with app.sessions() as session:
        assert (await session.get(Project, dossier_id)).granted == "500000"
        row = await session.get(Dossier, dossier_id)
        row.status, row.granted_amount = "rejected", None
        with i18n.context():
            await after_decision(session, row, app.settings, i18n, "Staff")
        await session.commit()
        assert (await session.get(Project, dossier_id)).status == "cancelled"
