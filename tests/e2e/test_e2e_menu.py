"""The dossier menu, the review, submission rules, the profile and device answers (in-process)."""

import pytest
from sqlalchemy import select

from storage.models import Account, Dossier
from testkit.driver import find, open_draft, position, screen
from testkit.factories import complete_answers
from testkit.harness import SECRETARIAT, InProcessBot

LONG = "Texte long <avec> des & caractères spéciaux. " * 66


def long_answers() -> dict:
    keys = ("context", "objectives", "activities", "institutions", "sustainability", "risks",
            "gender_analysis", "gender_justification")  # fmt: skip
    return complete_answers(**{key: LONG[:2990] for key in keys})


async def test_a_long_review_is_split_into_messages_telegram_accepts(app: InProcessBot) -> None:
    dossier_id = await app.seed(800, long_answers(), "review")
    user = app.user(800)
    reply = await user.send("/dossiers")
    reply = await user.press_data(reply[-1], f"m:{dossier_id}:open:")
    assert len(reply) >= 5
    assert all(len(m["text"]) <= 4096 for m in reply)
    assert "&lt;" not in "".join(m["text"] for m in reply)
    assert any("<avec>" in m["text"] for m in reply)


async def test_an_incomplete_dossier_cannot_be_submitted(app: InProcessBot) -> None:
    answers = complete_answers(fund_amount="1100000", city_amount="150000")
    dossier_id = await app.seed(801, answers, "review")
    user = app.user(801)
    listing = await user.send("/dossiers")
    review = screen(await user.press_data(listing[-1], f"m:{dossier_id}:open:"))
    with pytest.raises(AssertionError):
        find(review, "m", "submit")
    forged = await user.press_data(review, f"m:{dossier_id}:submit_ok:")
    assert "❌ Pas encore complet" in forged.texts[-1]  # the review again, not a submission
    assert app.api.messages(SECRETARIAT) == []
    async with app.sessions() as session:
        assert (await session.get(Dossier, dossier_id)).status == "draft"
    fix = screen(await user.press_data(review, find(review, "m", "fix")))
    assert position(fix) == "att_resolution"


async def test_menu_jump_fixes_one_answer_and_returns_to_the_review(app: InProcessBot) -> None:
    dossier_id = await app.seed(802, complete_answers(), "review")
    user = app.user(802)
    await open_draft(user, dossier_id)
    sections = screen(await user.press_data(user.chat_messages()[-1], f"m:{dossier_id}:sections:"))
    section = screen(await user.press_data(sections, find(sections, "m", "section", "1")))
    question = screen(await user.press_data(section, find(section, "m", "jump", "duration")))
    assert position(question) == "duration"
    reply = await user.send("24")
    assert "24" in reply[0]["text"]
    assert (await app.answers_of(dossier_id))["duration"] == 24
    assert find(screen(reply), "m", "fix")


async def test_a_submitted_dossier_is_read_only_and_listed_with_its_status(
    app: InProcessBot,
) -> None:
    dossier_id = await app.seed(803, complete_answers(), "review")
    user = app.user(803, language_code="en")
    await open_draft(user, dossier_id)
    async with app.sessions() as session:
        await session.execute(
            Dossier.__table__.update().values(status="submitted", reference="FC-2026-0007")
        )
        await session.commit()
    old = await user.press_data(user.chat_messages()[-1], f"q:{dossier_id}:review:keep:")
    assert app.api.callback_answer(old.callback_query_id)["text"] == "Ce bouton n’est plus valide."
    reply = await user.press_data(user.chat_messages()[-1], f"m:{dossier_id}:jump:title")
    # The account speaks French (seeded so), whatever the Telegram app's language.
    answer = app.api.callback_answer(reply.callback_query_id)["text"]
    assert answer == "Ce dossier a été soumis : il est en lecture seule."
    status = await user.send("/status")
    assert "FC-2026-0007" in status[0]["text"]
    async with app.sessions() as session:
        assert (await session.get(Dossier, dossier_id)).answers == complete_answers()


async def test_contact_and_location_come_from_the_device(app: InProcessBot) -> None:
    answers = complete_answers()
    del answers["focal_phone"]
    dossier_id = await app.seed(804, answers, "focal_phone")
    user = app.user(804)
    await open_draft(user, dossier_id)
    keyboard = app.api.current_reply_keyboard(804)["keyboard"]
    assert keyboard == [[{"text": "📱 Partager mon contact", "request_contact": True}]]
    reply = await user.share_contact("+221 70 000 00 00", user_id=999)
    assert "⚠️" in reply[0]["text"]  # someone else's contact
    assert "focal_phone" not in await app.answers_of(dossier_id)
    await user.share_contact("221700000000")  # as Telegram often sends it: no "+"
    assert (await app.answers_of(dossier_id))["focal_phone"] == "+221700000000"
    sections = screen(
        await user.press_data(user.chat_messages()[-1], f"m:{dossier_id}:jump:location")
    )
    assert position(sections) == "location"
    await user.send_location(14.6928, -17.4467)
    assert (await app.answers_of(dossier_id))["location"] == {"lat": 14.6928, "lon": -17.4467}


async def test_the_profile_can_be_viewed_and_edited(app: InProcessBot) -> None:
    await app.seed(805, {}, "city")
    user = app.user(805)
    profile = await user.send("/profile")
    assert "awa@dakar.sn" in profile[0]["text"]
    ask = await user.press(profile[0], "Courriel")
    assert "Votre adresse électronique ?" in ask.texts[0]
    assert "Réponse actuelle : awa@dakar.sn" in ask.texts[0]
    assert {"◀ Retour", "Conserver ✔", "↩ Annuler"} <= set(user.buttons(ask[-1]))
    bad = await user.send("pas-un-courriel")
    assert "⚠️" in bad[0]["text"] and "nom@ville.org" in bad[0]["text"]
    async with app.sessions() as session:
        assert (await session.get(Account, 805)).email == "awa@dakar.sn"  # refused: unchanged
    saved = await user.send("awa.ndiaye@dakar.sn")
    assert saved.texts[0] == "Enregistré."
    assert "awa.ndiaye@dakar.sn" in saved[-1]["text"] and "Votre profil" in saved[-1]["text"]
    async with app.sessions() as session:
        assert (await session.get(Account, 805)).email == "awa.ndiaye@dakar.sn"
    # The same, then "Cancel": back to the profile, nothing changed.
    ask = await user.press(saved[-1], "Courriel")
    back = await user.press(ask[-1], "↩ Annuler")
    assert "Votre profil" in back[-1]["text"] and "awa.ndiaye@dakar.sn" in back[-1]["text"]
    assert "Rien à annuler." in (await user.send("/cancel")).texts


async def test_a_phone_is_read_in_the_officials_country_and_shown_international(
    app: InProcessBot,
) -> None:
    await app.seed(808, {}, "city")
    user = app.user(808)
    profile = await user.send("/profile")
    assert "+221 77 123 45 67" in profile[0]["text"]
    await user.press(profile[0], "Téléphone")
    bad = await user.send("77 12")
    assert "⚠️" in bad[0]["text"]
    saved = await user.send("70 000 00 01")  # as dialled in Senegal, the account's country
    assert "+221 70 000 00 01" in saved[-1]["text"]
    async with app.sessions() as session:
        assert (await session.get(Account, 808)).phone == "+221700000001"


async def test_registration_refuses_bad_answers_and_ties_officials_to_their_city(
    app: InProcessBot,
) -> None:
    user = app.user(806)
    await user.send("/new")
    await user.send("Dakar")
    reply = await user.send("Atlantide")
    assert "⚠️" in reply[0]["text"]
    for answer in ("Sénégal", "Moussa Sow", "Adjoint au maire", "12", "+221 77 000 00 01",
                   "moussa@dakar.sn"):  # fmt: skip
        reply = await user.send(answer)
    assert position(screen(reply)) == "city"
    async with app.sessions() as session:
        official = await session.get(Account, 806)
        assert (official.city_name, official.country) == ("Dakar", "SN")
        assert official.email == "moussa@dakar.sn" and official.city_id is not None
    second = app.user(807)
    await app.seed(807, complete_answers(), "title")
    listing = await second.send("/dossiers")
    # Not verified yet: only its own dossier (then the XLSX, a new one), and why.
    assert len(listing[-1]["reply_markup"]["inline_keyboard"]) == 3
    assert "vous ne voyez que les dossiers que vous avez vous-même commencés" in listing[-1]["text"]
    async with app.sessions() as session:
        dossiers = list(await session.scalars(select(Dossier)))
        city_id = (await session.get(Account, 806)).city_id
    assert len(dossiers) == 2 and {d.city_id for d in dossiers} == {city_id}  # one city, Dakar


async def test_the_coach_counts_a_partner_as_soon_as_its_amount_is_given(
    app: InProcessBot,
) -> None:
    dossier_id = await app.seed(808, complete_answers(fund_amount="800000"), "partners")
    user = app.user(808)
    screen_ = await open_draft(user, dossier_id)
    screen_ = screen(await user.press_data(screen_, find(screen_, "q", "add")))
    screen_ = screen(await user.send("Ville de Lyon"))
    screen_ = screen(await user.press_data(screen_, find(screen_, "q", "c", "decentralised")))
    reply = await user.send("200 000")
    text = reply[0]["text"].replace("\u202f", " ").replace("\xa0", " ")
    assert "200 000 €" in text and "16 %" in text and "✅" in text
    assert position(screen(reply)) == "partners.status"


async def test_registration_is_a_form_the_person_can_go_back_in(app: InProcessBot) -> None:
    user = app.user(809)
    first = await user.send("/profile")
    assert first.texts[0] == "D’abord, quelques mots sur vous et votre ville (6 questions courtes)."
    assert "Inscription · question 1/6" in first.texts[1]
    await user.send("Dakar")
    asked = await user.send("Sénégal")
    assert "Inscription · question 3/6" in asked.texts[0]
    back = await user.press(asked[-1], "◀ Retour")
    assert "Réponse actuelle : Sénégal" in back.texts[0]
    kept = await user.press(back[-1], "Conserver ✔")
    assert "Votre nom complet ?" in kept.texts[0]
    async with app.sessions() as session:
        account = await session.get(Account, 809)
        assert account.profile_cursor["q"] == "full_name" and account.country == "SN"
    await app.restart()  # the position is stored: nothing is asked again
    again = await user.send("Awa Ndiaye")
    assert "Inscription · question 4/6" in again.texts[0]
    for answer in ("Directrice", "+221 77 123 45 67", "awa@dakar.sn"):
        done = await user.send(answer)
    assert done.texts[0] == "Merci, votre profil est enregistré."
    assert "Votre profil" in done.texts[1] and "+221 77 123 45 67" in done.texts[1]
    assert "Rien à annuler." in (await user.send("/cancel")).texts
