"""Small edges found by trying the bot as an intruder or a hurried user would (issue 18): forged
buttons of every kind in a private chat and in the Secretariat's group, names and titles made of
invisible characters, bidirectional controls in names, titles and file names, a CSV in UTF-16,
attachments whose content is not what their name says, and logs at DEBUG level that hold no
phone, e-mail or answer. In-process, on SQLite (nothing here depends on the database's kind)."""

import io
import logging
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.logs import setup_logging
from storage.models import Account, Attachment, City
from testkit.driver import LONG, REGISTRATION, Applicant, open_draft, position, screen
from testkit.factories import complete_answers
from testkit.harness import SECRETARIAT, SECRETARIAT_GROUP, InProcessBot, admins_bot, check_clean

ADMIN, CITY = 950, 951
STALE = "Ce bouton n’est plus valide."
PREFIXES = ("q", "m", "s", "lang", "h", "e", "xl", "ct", "pk", "sf", "iv", "vf", "obx", "zz")
BIG = 10**22  # no row has such an id; the databases cannot even compare it
# No separator, too many parts, an id no row can have (first or second place).
MALFORMED = ("{p}", "{p}:1:2:3:4:5:6:7", f"{{p}}:{BIG}:ack", f"{{p}}:x:{BIG}:x:0")
# An unknown action on a real record, for payloads that name the record first or second.
UNKNOWN = ("{p}:{d}:nope:", "{p}:nope:{d}:0:0")
INVISIBLE = ("\u200b" * 6, "\u3164" * 6, "\u2800" * 6, "\u115f\u1160\u200d\ufeff" * 2)
RLO, PDF_MARK = "\u202e", "\u202c"


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[InProcessBot]:
    bot = await admins_bot(tmp_path, ADMIN)
    yield bot
    await bot.close()
    check_clean(bot.api)


@pytest.mark.parametrize("where", ["private", "group"])
async def test_forged_buttons_are_answered_and_never_an_error(
    app: InProcessBot, where: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Every kind of button with a malformed payload, a non-numeric or impossible id, or an
    unknown action on a real record: answered (the spinner stops), "no longer valid" for what
    does not parse, and never an error; in the Secretariat's group as in a private chat."""
    dossier_id = await app.seed(CITY, {"title": "Mon projet"}, "title")
    group = SECRETARIAT_GROUP if where == "group" else None
    presser = ADMIN if group else CITY
    user = app.user(presser, group=group)
    chat = {"id": SECRETARIAT, "type": "supergroup"} if group else {"id": CITY, "type": "private"}
    anchor = {"message_id": 1, "chat": chat, "date": 0, "text": "old"}
    for prefix in PREFIXES:
        for shape in MALFORMED + UNKNOWN:
            data = shape.format(p=prefix, d=dossier_id)
            reply = await user.press_data(anchor, data, expect=0)
            answer = app.api.callback_answer(reply.callback_query_id)
            assert answer is not None and answer.get("text"), data  # never a silent spinner
            if shape in MALFORMED:
                assert answer["text"].startswith(STALE), (data, answer["text"])
            assert not any("Désolé, une erreur" in t for t in reply.texts), data
    assert [r for r in caplog.records if r.getMessage() == "update failed"] == []


async def test_invisible_names_and_titles_are_too_short(app: InProcessBot) -> None:
    """Zero-width spaces, Hangul fillers, Braille blanks, joiners: nothing to read, so they fail
    the minimum length (a name, a dossier's title); a city of such a name is refused too."""
    user = app.user(960)
    welcome = (await user.send("/start"))[-1]
    await user.press_data(welcome, "h:register")
    await user.send("Dakar")
    await user.send("Sénégal")
    for name in INVISIBLE:
        reply = await user.send(name)
        assert "trop courte" in reply[0]["text"], repr(name)
    dossier_id = await app.seed(961, {}, "title")
    owner = app.user(961)
    await open_draft(owner, dossier_id)
    for title in INVISIBLE:
        reply = await owner.send(title)
        assert "trop courte" in reply[0]["text"] and position(screen(reply)) == "title"
    assert "title" not in await app.answers_of(dossier_id)
    admin = app.user(ADMIN)
    csv = "\u200b\u200b,SN\nDakar,SN,\u3164\u3164;Ndakaaru\n"
    report = await admin.send_document(csv.encode(), "villes.csv", "text/csv", caption="/cities")
    assert "ligne 1 : le nom est vide" in report[0]["text"].replace("\xa0", " ")
    async with app.sessions() as session:
        (dakar,) = list(await session.scalars(select(City)))
    assert dakar.aliases == ["Ndakaaru"]


async def test_bidirectional_controls_are_removed_from_names_titles_and_files(
    app: InProcessBot,
) -> None:
    """An override makes `fdp.exe` read `exe.pdf`: such controls never reach the database, in a
    typed name, a title, a Telegram first name, a city of the member list or a file's name."""
    user = app.user(970, first_name=f"Awa{RLO}nimda")
    welcome = (await user.send("/start"))[-1]
    await user.press_data(welcome, "h:register")
    await user.send("Dakar")
    await user.send("Sénégal")
    await user.send(f"Awa {RLO}eyaidN{PDF_MARK}")
    dossier_id = await app.seed(971, complete_answers(), "title")
    owner = app.user(971)
    await open_draft(owner, dossier_id)
    await owner.send(f"\u2066Éclairage{RLO} solaire\u2069")
    assert (await app.answers_of(dossier_id))["title"] == "Éclairage solaire"
    admin = app.user(ADMIN)
    csv = f"Da{RLO}rak,SN,Nda\u2067kaaru\n"
    await admin.send_document(csv.encode(), "villes.csv", "text/csv", caption="/cities")
    files = await app.seed(972, complete_answers(), "att_resolution")
    uploader = app.user(972)
    await open_draft(uploader, files)
    reply = await uploader.send_document(
        b"%PDF-1.4 resolution", f"résolution{RLO}fdp.exe{PDF_MARK}.pdf", "application/pdf"
    )
    assert "résolutionfdp.exe.pdf" in reply[0]["text"]
    async with app.sessions() as session:
        person = await session.get(Account, 970)
        (stored,) = list(await session.scalars(select(Attachment)))
        names = [c.name + "".join(c.aliases) for c in await session.scalars(select(City))]
    assert (person.first_name, person.full_name) == ("Awanimda", "Awa eyaidN")
    assert stored.file_name == "résolutionfdp.exe.pdf"
    controls = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert not controls & set("".join(names)), names


async def test_a_csv_in_utf16_is_read_and_a_binary_one_refused(app: InProcessBot) -> None:
    admin = app.user(ADMIN)
    text = "nom,pays,autres noms\nTripoli,LB,طرابلس\nSaint-Louis,SN\n"
    for encoding in ("utf-16", "utf-16-le"):  # Excel's "Unicode text"; without a BOM too
        reply = await admin.send_document(
            text.encode(encoding), "villes.csv", "text/csv", caption="/cities"
        )
        assert "\x00" not in reply[0]["text"]
    async with app.sessions() as session:
        listed = sorted((c.name, c.aliases) for c in await session.scalars(select(City)))
    assert listed == [("Saint-Louis", []), ("Tripoli", ["طرابلس"])]
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"
    reply = await admin.send_document(png, "villes.csv", "text/csv", caption="/cities")
    assert "mauvais encodage" in reply[0]["text"] and "\x00" not in reply[0]["text"]


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as container:
        for name, content in parts.items():
            container.writestr(name, content)
    return out.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<c/>"})


async def test_attachments_whose_content_is_not_their_type_are_refused(app: InProcessBot) -> None:
    dossier_id = await app.seed(980, complete_answers(), "att_technical")
    user = app.user(980)
    await open_draft(user, dossier_id)
    refused = [
        (b"", "etude.pdf", "application/pdf", "vide"),
        (b"MZ\x90\x00 not a pdf", "etude.pdf", "application/pdf", "un vrai fichier PDF"),
        (b"%PDF-1.4", "plan.png", "image/png", "un vrai fichier PNG"),
        (b"GIF89a", "photo.jpg", "image/jpeg", "un vrai fichier JPEG"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old .doc", "devis.docx", "", "un vrai fichier DOCX"),
        (XLSX, "devis.docx", "", "un vrai fichier DOCX"),  # a zip, but a spreadsheet
        (b"PK\x03\x04 truncated", "budget.xlsx", "", "un vrai fichier XLSX"),
        (DOCX, "note.odt", "", "un vrai fichier ODT"),
    ]
    for content, name, mime, said in refused:
        reply = await user.send_document(content, name, mime)
        assert "⚠️" in reply[0]["text"] and said in reply[0]["text"], (name, reply[0]["text"])
    accepted = [
        (b"%PDF-1.7\n", "etude.pdf"),
        (b"\x89PNG\r\n\x1a\n....", "plan.png"),
        (b"\xff\xd8\xff\xe0 jpeg", "photo.jpg"),
        (DOCX, "devis.docx"),
        (XLSX, "budget.xlsx"),
        (ODT, "note.odt"),
    ]
    for content, name in accepted:
        reply = await user.send_document(content, name, "")
        assert f"Fichier reçu : {name}" in reply[0]["text"].replace("\u202f", " "), name
    async with app.sessions() as session:
        stored = sorted(a.file_name for a in await session.scalars(select(Attachment)))
    assert stored == sorted(name for _c, name in accepted)


async def test_logs_at_debug_hold_no_phone_email_or_answer(app: InProcessBot) -> None:
    """A registration and a dossier's first answers (a file too) with LOG_LEVEL=DEBUG: the lines
    are there, yet none holds the phone, the e-mail, a name or an answer."""
    stream = io.StringIO()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    setup_logging("DEBUG", [app.api.token], stream)
    try:
        applicant = Applicant(app.user(990), "fr")
        await applicant.register()
        for _ in range(24):
            await applicant.answer_current()
        await app.drain_outbox()
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    logged = stream.getvalue()
    assert logged.count("\n") > 10 and '"level": "DEBUG"' in logged
    _city, _country, name, function, phone, email = REGISTRATION["fr"]
    secrets = [phone, "+221771234567", "771234567", email, name, function, LONG["fr"][:30]]
    secrets += ["Éclairage solaire de la Médina", "Barthélémy Dias", "deliberation"]
    assert [s for s in secrets if s in logged] == []
