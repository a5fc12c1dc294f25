"""Spreadsheets, the Bureau session's agenda and the charts, end to end in-process: what staff
get, what a city official gets (only their own city's), and what everyone else is refused,
forged buttons included."""

from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from bot.services.people import link_city
from storage.accounts import new_account
from storage.dossiers import create_dossier
from storage.models import Account, BureauSession, StatusChange
from testkit.factories import complete_answers
from testkit.harness import SECRETARIAT_GROUP, InProcessBot
from testkit.pdf_kit import flat

REFUSED = "Désolé, ceci est réservé au personnel du Secrétariat permanent qui en a le droit."
DAKAR, KIGALI, STAFF, ARABIC_STAFF = 701, 702, 703, 704
SUBMITTED = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
DECIDED = datetime(2026, 10, 11, 10, 0, tzinfo=UTC)


async def seeded(app: InProcessBot) -> dict[str, int]:
    """Dakar: a scheduled dossier in EUR, an approved one in XOF, a draft; Kigali: one in USD
    waiting for review; one Bureau session; staff in French and in Arabic."""
    await app.seed(DAKAR, complete_answers(title="Éclairage de la Médina"), "review")
    async with app.sessions() as session:
        bureau = BureauSession(held_on=date(2027, 4, 28), deadline=date(2027, 3, 1), place="Paris")
        session.add(bureau)
        kigali = new_account(session, KIGALI, "Jean")
        kigali.city_name, kigali.country, kigali.language = "Kigali", "RW", "fr"
        kigali.full_name = "Jean Mugabo"
        await link_city(session, kigali)
        await session.flush()
        dakar = await session.get(Account, DAKAR)
        rows = {}
        specs = [
            ("scheduled", dakar, "FC-2026-0001", {"title": "=SUM(A1:A9)"}, None),
            (
                "approved",
                dakar,
                "FC-2026-0002",
                {
                    "title": "Marché central",
                    "sector": "markets",
                    "currency": "XOF",
                    "budget_lines": [
                        {"id": "b", "label": "M", "category": "works", "amount": "655957000"}
                    ],
                    "fund_amount": "524765600",
                    "city_amount": "131191400",
                },
                "393574200",
            ),
            ("draft", dakar, None, {"title": "Brouillon"}, None),
            ("submitted", kigali, "FC-2026-0003", {"title": "Eau", "currency": "USD"}, None),
        ]
        for status, account, reference, overrides, granted in specs:
            dossier = await create_dossier(session, account, complete_answers(**overrides))
            dossier.status, dossier.reference = status, reference
            if status != "draft":
                dossier.submitted_at = SUBMITTED
            if status in ("scheduled", "approved"):
                dossier.session_id = bureau.id
            dossier.granted_amount = granted
            await session.flush()
            if status == "approved":
                change = StatusChange(dossier_id=dossier.id, from_status="scheduled")
                change.to_status, change.by_user, change.amount, change.at = (
                    "approved", STAFF, granted, DECIDED
                )  # fmt: skip
                session.add(change)
            rows[reference or "draft"] = dossier.id
        rows["session"] = bureau.id
        await session.commit()
    await app.add_staff(STAFF, "secretariat", "fr", "Claire Martin")
    await app.add_staff(ARABIC_STAFF, "secretariat", "ar", "ليلى حداد")
    return rows


def workbook_of(app: InProcessBot, message: dict):
    content = app.api.files.get(message["document"]["file_id"]).content
    return load_workbook(BytesIO(content))


def pdf_text(app: InProcessBot, message: dict) -> str:
    content = app.api.files.get(message["document"]["file_id"]).content
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def column(sheet, header: str) -> list:
    headers = [c.value for c in sheet[1]]
    index = headers.index(header)
    return [row[index] for row in sheet.iter_rows(min_row=2, values_only=True)]


async def test_staff_export_the_queue_with_filters_and_a_city_only_its_own(
    app: InProcessBot,
) -> None:
    await seeded(app)
    staff = app.user(STAFF)
    reply = await staff.send("/export all")
    (document,) = [m for m in reply if "document" in m]
    assert document["document"]["file_name"].endswith(".xlsx")
    assert "3 dossiers" in document["caption"]
    sheet = workbook_of(app, document).active
    assert column(sheet, "Référence") == ["FC-2026-0001", "FC-2026-0002", "FC-2026-0003"]
    assert column(sheet, "Titre")[0] == "=SUM(A1:A9)"  # typed text stays text, not a formula
    asked = column(sheet, "Demandé au Fonds")
    assert asked == [1000000, 524765600, 1000000] and all(isinstance(a, int) for a in asked)
    assert column(sheet, "Accordé")[1] == 393574200
    assert column(sheet, "Soumis")[0] == datetime(2026, 9, 1)  # a date, not text
    assert column(sheet, "Statut") == ["Inscrit à une session du Bureau", "Approuvé", "Soumis"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    assert sheet["I3"].number_format == '#,##0 "XOF"' and sheet["I2"].number_format.endswith(
        '"EUR"'
    )
    assert "non vérifié" in column(sheet, "Signalements")[0]

    waiting = await staff.send("/export RW")  # the queue's filters: a country
    (document,) = [m for m in waiting if "document" in m]
    assert column(workbook_of(app, document).active, "Référence") == ["FC-2026-0003"]
    queue = await staff.send("/queue scheduled")  # "📊" under the queue: the same filter
    (document,) = [m for m in await staff.press(queue[-1], "📊") if "document" in m]
    assert column(workbook_of(app, document).active, "Référence") == ["FC-2026-0001"]

    official = app.user(DAKAR)
    listing = await official.send("/dossiers")
    sent = await official.press(listing[-1], "📊")
    (document,) = [m for m in sent if "document" in m]
    mine = workbook_of(app, document).active
    assert column(mine, "Référence") == ["FC-2026-0001", "FC-2026-0002", None, None]  # drafts too
    assert "Kigali" not in str(list(mine.values))


async def test_non_staff_are_refused_and_forged_buttons_change_nothing(app: InProcessBot) -> None:
    ids = await seeded(app)
    for who in (DAKAR, KIGALI):
        user = app.user(who)
        for command in ("/export", "/export all", "/stats", "/agenda"):
            reply = await user.send(command)
            assert reply.texts == [REFUSED]
        card = {"message_id": 1, "date": 1, "chat": {"id": who, "type": "private"}}
        forgeries = (f"xl:agenda:{ids['session']}:", f"xl:budget:{ids['session']}:", "xl:queue:0:")
        for data in forgeries:
            forged = await user.press_data(card, data, expect=0)
            assert app.api.callback_answer(forged.callback_query_id)["text"] == REFUSED
            assert forged.sent == []
    assert not app.api.calls_of("sendDocument") and not app.api.calls_of("sendMediaGroup")
    async with app.sessions() as session:
        assert (await session.get(BureauSession, ids["session"])).budget is None

    # A city's button names no city: whatever it carries, the presser's own city is exported.
    card = {"message_id": 1, "date": 1, "chat": {"id": KIGALI, "type": "private"}}
    forged = await app.user(KIGALI).press_data(card, f"xl:city:{ids['FC-2026-0001']}:SN")
    (document,) = [m for m in forged if "document" in m]
    assert column(workbook_of(app, document).active, "Référence") == ["FC-2026-0003"]
    stranger = {"message_id": 1, "date": 1, "chat": {"id": 799, "type": "private"}}
    unregistered = await app.user(799).press_data(stranger, "xl:city:0:")
    assert unregistered.texts == ["Inscrivez-vous d’abord avec /start."]


async def test_the_agenda_and_its_budget_from_the_sessions_buttons(app: InProcessBot) -> None:
    ids = await seeded(app)
    staff = app.user(STAFF, group=SECRETARIAT_GROUP)
    sessions = await staff.send("/sessions")
    asked = await staff.press(sessions[-1], "💶")
    assert "Budget de la session du Bureau du 28 avril 2027" in asked.texts[-1]
    refused = await staff.send("beaucoup")
    assert "⚠️" in refused.texts[0]
    summary = await staff.send("1 000 000 €")
    text = summary.texts[-1]
    assert "Budget de la session : 1\u202f000\u202f000\xa0€" in text
    assert "Dossiers à l’ordre du jour : 2" in text
    # 1 000 000 € still asked in EUR + what the Bureau granted of the XOF dossier, at the peg
    assert "Dépassement du budget de 600\u202f000\xa0€ si les dossiers en attente" in text
    async with app.sessions() as session:
        bureau = await session.get(BureauSession, ids["session"])
        assert (Decimal(bureau.budget), bureau.budget_currency) == (Decimal(1000000), "EUR")

    reply = await staff.press(summary[-1], "📊")
    document, pdf = [m for m in reply if "document" in m]  # the XLSX, then the PDF
    assert pdf["document"]["file_name"] == "agenda-2027-04-28.pdf"
    assert pdf["caption"].startswith("📄 Ordre du jour de la session du Bureau du 28 avril 2027")
    text = pdf_text(app, pdf)
    assert "FC-2026-0001" in text and "Dépassement du budget de 600 000 € si" in flat(text)
    book = workbook_of(app, document)
    agenda = book.worksheets[0]
    assert column(agenda, "Référence") == ["FC-2026-0001", "FC-2026-0002"]
    by_sector = book.worksheets[1]
    assert [r for r in by_sector.iter_rows(min_row=2, values_only=True)] == [
        ("Éclairage public solaire", "EUR", 1, 1000000, 0),
        ("Marchés", "XOF", 1, 524765600, 393574200),
    ]
    budget = {row[0]: row[2] for row in book.worksheets[3].iter_rows(min_row=2, values_only=True)}
    assert budget["Budget de la session"] == 1000000
    assert budget["Demandé, compté sur le budget"] == 1800000
    assert budget["Accordé par le Bureau (dossiers approuvés)"] == 600000
    assert budget["Demandé par les dossiers en attente de la décision du Bureau"] == 1000000
    remaining = "Reste si les dossiers en attente obtiennent ce qu’ils demandent"
    assert budget[remaining + " — négatif : dépassement du budget"] == -600000

    unknown = await staff.send("/agenda 2031-01-01")
    assert unknown.texts == ["Aucune session du Bureau n’a cette date."]
    typed = await staff.send("/agenda 2027-04-28", expect=3)  # the summary, then the files
    assert "Dépassement du budget" in typed.texts[0]
    assert [m["document"]["file_name"] for m in typed[1:]] == [
        "agenda-2027-04-28.xlsx",
        "agenda-2027-04-28.pdf",
    ]


async def test_the_agenda_pdf_in_the_staff_members_language_and_refused_to_others(
    app: InProcessBot,
) -> None:
    ids = await seeded(app)
    arabic = app.user(ARABIC_STAFF, language_code="ar")
    sent = await arabic.send("/agenda", expect=3)  # the next session by default
    pdf = sent[-1]
    assert pdf["document"]["file_name"] == "agenda-2027-04-28.pdf"
    text = pdf_text(app, pdf)
    assert "جدول أعمال دورة المكتب" in text and "FC-2026-0002" in text
    assert "Marché central" in text and "الأسواق" in text  # typed as typed, the sector in Arabic
    assert "FC-2026-0003" not in text  # waiting for review: not on the agenda
    card = {"message_id": 1, "date": 1, "chat": {"id": DAKAR, "type": "private"}}
    official = app.user(DAKAR)
    assert (await official.send("/agenda 2027-04-28")).texts == [REFUSED]
    forged = await official.press_data(card, f"xl:agenda:{ids['session']}:", expect=0)
    assert app.api.callback_answer(forged.callback_query_id)["text"] == REFUSED
    assert len(app.api.calls_of("sendDocument")) == 2  # the Arabic staff member's two files


async def test_stats_send_an_album_of_charts_in_the_staff_members_language(
    app: InProcessBot,
) -> None:
    await seeded(app)
    reply = await app.user(ARABIC_STAFF, language_code="ar").send("/stats", expect=5)
    photos = [m for m in reply if "photo" in m]
    assert len(photos) == 5 and len({m["media_group_id"] for m in photos}) == 1
    assert "3" in photos[0]["caption"] and "الأمانة" in photos[0]["caption"]
    (call,) = app.api.calls_of("sendMediaGroup")
    for item in call.params["media"]:
        image = Image.open(BytesIO(item["media"].data))
        assert image.format == "PNG" and image.width >= 800
        grey = image.convert("L")
        inked = sum(grey.histogram()[:200])  # pixels clearly darker than the white background
        assert inked > 0.02 * image.width * image.height  # bars and labels: not blank


async def test_a_session_that_is_gone_is_refused_in_words_and_nothing_is_sent(
    app: InProcessBot,
) -> None:
    """Staff pressing a forged or old session button, or typing a budget for a session
    deleted meanwhile: the use case refuses with a code (not None), the glue says so."""
    await seeded(app)
    staff = app.user(STAFF)
    card = {"message_id": 1, "date": 1, "chat": {"id": STAFF, "type": "private"}}
    gone = "Cette session du Bureau n’existe plus."
    for data, words in (
        ("xl:agenda:99999:", gone),
        ("xl:budget:99999:", gone),
        ("xl:zz:0:", "Ce bouton n’est plus valide."),
    ):
        pressed = await staff.press_data(card, data, expect=0)
        answer = app.api.callback_answer(pressed.callback_query_id)
        assert (answer["text"], answer["show_alert"], pressed.sent) == (words, True, [])
    async with app.sessions() as session:
        later = BureauSession(held_on=date(2027, 9, 1), deadline=date(2027, 7, 1), place="Paris")
        session.add(later)
        await session.commit()
    asked = await staff.press_data(card, f"xl:budget:{later.id}:")
    assert "Budget de la session du Bureau du 1 septembre 2027" in asked.texts[-1]
    async with app.sessions() as session:
        await session.delete(await session.get(BureauSession, later.id))
        await session.commit()
    assert (await staff.send("1 000 000 €")).texts == [gone]
    assert not app.api.calls_of("sendDocument")
