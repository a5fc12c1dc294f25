"""What staff are sent as files, end to end in-process, in French, English and Arabic: a dossier's
attachments sent again ("📎"), each captioned with the piece it is, not only its file name; and
`/export` with nothing to export, which says so instead of sending an empty spreadsheet."""

from storage.models import Attachment, Dossier
from testkit.factories import complete_answers
from testkit.harness import InProcessBot

CITY, FRENCH, ENGLISH, ARABIC = 801, 802, 803, 804
LYON = {"id": "p1", "name": "Ville de Lyon", "type": "decentralised", "amount": "125000",
        "status": "confirmed"}  # fmt: skip
FILES = {  # slot: the file's name as the city sent it
    "att_resolution": "délibération n°12.pdf",
    "att_technical": "étude <v2>.pdf",
    "att_letters:p1": "lettre.pdf",
}
PIECES = {
    "fr": ["Délibération du conseil", "Étude technique", "Lettre d’engagement — Ville de Lyon"],
    "en": ["Council resolution", "Technical study", "Commitment letter — Ville de Lyon"],
    "ar": ["قرار المجلس البلدي", "الدراسة التقنية", "رسالة التزام — Ville de Lyon"],
}


async def submitted_with_files(app: InProcessBot) -> str:
    """A submitted dossier of Dakar with a confirmed partner and three files Telegram holds."""
    answers = complete_answers(partners=[LYON], city_amount="125000")
    dossier_id = await app.seed(CITY, answers, "review")
    async with app.sessions() as session:
        dossier = await session.get(Dossier, dossier_id)
        dossier.status, dossier.reference = "submitted", "FC-2026-0042"
        for slot, name in FILES.items():
            held = app.api.add_file(b"%PDF-1.4 x", name, "application/pdf")
            session.add(
                Attachment(dossier_id=dossier_id, slot=slot, file_name=name,
                           mime_type="application/pdf", size=10, sha256="0" * 64,
                           path=f"/nowhere/{slot}.pdf", telegram_file_id=held["file_id"],
                           uploaded_by=CITY)
            )  # fmt: skip
        await session.commit()
    for user_id, language in ((FRENCH, "fr"), (ENGLISH, "en"), (ARABIC, "ar")):
        await app.add_staff(user_id, "secretariat", language, f"Staff {language}")
    return "FC-2026-0042"


async def test_attachments_sent_again_name_their_piece_in_the_readers_language(
    app: InProcessBot,
) -> None:
    reference = await submitted_with_files(app)
    for user_id, language in ((FRENCH, "fr"), (ENGLISH, "en"), (ARABIC, "ar")):
        staff = app.user(user_id, language_code=language)
        dossier = await staff.send(f"/dossier {reference}")
        sent = await staff.press(dossier[-1], "📎", expect=3)
        captions = [m["caption"] for m in sent if "document" in m]
        assert captions == [
            f"{reference} · {piece}\n{name}"
            for piece, name in zip(PIECES[language], FILES.values(), strict=True)
        ], captions
        assert [m["document"]["file_name"] for m in sent if "document" in m] == list(FILES.values())


async def test_an_export_with_nothing_in_it_says_so(app: InProcessBot) -> None:
    await app.seed(CITY, complete_answers(), "review")  # a draft: not in the Secretariat's queue
    said = {
        "fr": (
            "Aucun dossier n’attend le Secrétariat : rien à exporter. /export all prend tous les "
            "dossiers soumis, décidés compris.",
            "Aucun dossier n’a encore été soumis : rien à exporter.",
            "Aucun dossier ne correspond à ces mots : rien à exporter.",
        ),
        "en": (
            "No dossier is waiting on the Secretariat: nothing to export. /export all takes "
            "every submitted dossier, decided ones too.",
            "No dossier has been submitted yet: nothing to export.",
            "No dossier matches these words: nothing to export.",
        ),
        "ar": (
            "لا يوجد ملف في انتظار الأمانة: لا شيء للتصدير. الأمر /export all يصدّر كل الملفات "
            "المقدَّمة، بما فيها التي بُتّ فيها.",
            "لم يُقدَّم أي ملف بعد: لا شيء للتصدير.",
            "لا يطابق أي ملف هذه الكلمات: لا شيء للتصدير.",
        ),
    }
    for user_id, language in ((FRENCH, "fr"), (ENGLISH, "en"), (ARABIC, "ar")):
        await app.add_staff(user_id, "secretariat", language, f"Staff {language}")
        staff = app.user(user_id, language_code=language)
        for command, text in zip(("/export", "/export all", "/export SN water"), said[language],
                                 strict=True):  # fmt: skip
            assert (await staff.send(command)).texts == [text]
    assert not app.api.calls_of("sendDocument")  # no empty spreadsheet
