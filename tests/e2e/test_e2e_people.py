"""Member cities, staff, invites and verification through the real bot (in-process): the CSV
import report, the city picker at registration (fr, ar), invites, grants and revocations with
confirmation, verification told in the person's language, and who may do what."""

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.domain.countries import fold
from bot.services.people import link_city
from storage.accounts import new_account
from storage.models import Account, City, Invite
from storage.types import utcnow
from testkit.harness import SECRETARIAT, InProcessBot, admins_bot, check_clean
from testkit.standin.inprocess import InProcessUser

ADMIN = 500  # in ADMIN_IDS
REFUSAL = {
    "fr": "Désolé, ceci est réservé au personnel du Secrétariat permanent qui en a le droit.",
    "en": "Sorry, this is reserved for the Permanent Secretariat's staff with that right.",
}
GROUP = {"id": SECRETARIAT, "type": "supergroup", "title": "Secrétariat permanent"}


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[InProcessBot]:
    bot = await admins_bot(tmp_path, ADMIN)
    yield bot
    await bot.close()
    check_clean(bot.api)


async def add_city(app: InProcessBot, name: str, country: str, *aliases: str) -> int:
    async with app.sessions() as session:
        city = City(
            name=name, name_key=fold(name), country=country, aliases=list(aliases), listed=True
        )
        session.add(city)
        await session.commit()
        return city.id


async def add_person(
    app: InProcessBot,
    telegram_id: int,
    role: str = "applicant",
    language: str = "fr",
    registered: bool = False,
) -> None:
    async with app.sessions() as session:
        account = new_account(session, telegram_id, f"P{telegram_id}")
        account.role, account.language = role, language
        if registered:
            account.city_name, account.country = "Dakar", "SN"
            account.full_name, account.function = f"Person {telegram_id}", "Maire adjoint"
            account.phone, account.email = "+221771234567", f"p{telegram_id}@dakar.sn"
            account.registered_at = utcnow()
            await link_city(session, account)
        await session.commit()


async def account(app: InProcessBot, telegram_id: int) -> Account:
    async with app.sessions() as session:
        return await session.get(Account, telegram_id)


async def cities(app: InProcessBot) -> dict[str, City]:
    async with app.sessions() as session:
        return {f"{c.name}/{c.country}": c for c in await session.scalars(select(City))}


def in_group(user: InProcessUser) -> InProcessUser:
    user.chat = dict(GROUP)
    return user


def group_texts(app: InProcessBot) -> list[str]:
    return [m.get("text", "") for m in app.api.messages(SECRETARIAT)]


def buttons(message: dict) -> dict[str, str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b.get("callback_data", "") for row in rows for b in row}


# ---------------------------------------------------------------- the member list


async def test_an_admin_imports_the_member_list_and_reads_the_report(app: InProcessBot) -> None:
    await add_city(app, "Dakar", "SN")
    async with app.sessions() as session:  # named by a registration earlier: not listed
        session.add(City(name="Kaolack", name_key="kaolack", country="SN"))
        await session.commit()
    csv = (
        "name,country,aliases\n"
        "Dakar,SN,Ndakaaru;داكار\n"  # known: aliases updated
        "Kaolack,SN,\n"  # named by a registration: now listed
        "Beyrouth,LB,Beirut|بيروت\n"  # new
        ",SN,\n"  # empty name
        "Atlantis,XX,\n"  # unknown country
        "beyrouth,Liban,\n"  # duplicate of line 4
    )
    admin = app.user(ADMIN)
    reply = await admin.send_document(csv.encode(), "villes.csv", "text/csv", caption="/cities")
    report = reply.texts[-1]
    assert "2 villes ajoutées" in report
    assert "1 ville mise à jour" in report
    assert "3 lignes refusées" in report
    assert "ligne 5 : le nom est vide" in report
    assert "ligne 6 : pays inconnu « XX »" in report
    assert "ligne 7 : la même ville que la ligne 4" in report
    known = await cities(app)
    assert known["Dakar/SN"].aliases == ["Ndakaaru", "داكار"]
    assert known["Kaolack/SN"].listed and known["Beyrouth/LB"].listed
    assert "Atlantis/XX" not in known

    # Again through the button, in the Secretariat's group: nothing new, one line unchanged.
    admin = in_group(app.user(ADMIN))
    await admin.send("/cities", expect=0)
    listing = app.api.messages(SECRETARIAT)[-1]
    assert "Villes membres : 3" in listing["text"]
    await admin.press_data(listing, buttons(listing)["📥 Importer un CSV"], expect=0)
    await admin.send_document(b"Dakar,SN,Ndakaaru;\xd8\xaf\xd8\xa7\xd9\x83\xd8\xa7\xd8\xb1\n",
                              "v.csv", "text/csv", expect=0)  # fmt: skip
    assert "1 ligne inchangée" in group_texts(app)[-1]


async def test_the_secretariat_adds_and_edits_a_city(app: InProcessBot) -> None:
    await add_person(app, 701, role="secretariat")
    staff = app.user(701)
    listing = await staff.send("/cities")
    assert "📥 Importer un CSV" not in buttons(listing[-1])  # admins only
    ask = await staff.press(listing[-1], "➕ Ajouter une ville")
    assert "Quelle ville ?" in ask.texts[-1]
    refused = await staff.send("Tripoli, Atlantide")
    assert "pays inconnu" in refused.texts[-1]
    added = await staff.send("Tripoli, LB, طرابلس; Trablous")
    assert "Tripoli est dans la liste des membres." in added.texts[0]
    card = added[-1]
    ask = await staff.press(card, "✏️ Autres noms")
    saved = await staff.send("طرابلس الشام")
    assert "طرابلس الشام" in saved.texts[-1]
    await staff.press(saved[-1], "✏️ Nom")
    clash = await staff.send("Tripoli")  # its own name: fine
    assert "Enregistré." in clash.texts
    city = (await cities(app))["Tripoli/LB"]
    assert city.aliases == ["طرابلس الشام"] and city.listed


# ---------------------------------------------------------------- the picker at registration


async def test_the_picker_offers_listed_cities_from_a_name_or_an_alias(app: InProcessBot) -> None:
    dakar = await add_city(app, "Dakar", "SN", "Ndakaaru")
    user = app.user(710)
    await user.send("/new")
    picker = await user.send("ndakaaru")
    assert "Dakar (Sénégal)" in buttons(picker[-1])
    assert "Ma ville n’est pas dans la liste" in buttons(picker[-1])
    chosen = await user.press(picker[-1], "Dakar (Sénégal)")
    assert "Votre nom complet ?" in chosen.texts[-1]  # the country is not asked
    person = await account(app, 710)
    assert (person.city_name, person.country, person.city_id) == ("Dakar", "SN", dakar)
    stale = await user.press_data(picker[-1], buttons(picker[-1])["Dakar (Sénégal)"])
    assert app.api.callback_answer(stale.callback_query_id)["text"] == (
        "Ce bouton n’est plus valide."
    )


@pytest.mark.parametrize("typed", ["بَيْرُوت", "بيروت", "beirut"])
async def test_the_picker_in_arabic_with_or_without_diacritics(
    app: InProcessBot, typed: str
) -> None:
    beirut = await add_city(app, "Beyrouth", "LB", "Beirut", "بيروت")
    user = app.user(711, language_code="ar")
    await user.send("/new")
    picker = await user.send(typed)
    label = next(t for t in buttons(picker[-1]) if t.startswith("Beyrouth"))
    assert "لبنان" in label
    assert "مدينتي ليست في القائمة" in buttons(picker[-1])
    await user.press(picker[-1], label)
    assert (await account(app, 711)).city_id == beirut


async def test_a_city_not_on_the_list_registers_unlisted(app: InProcessBot) -> None:
    await add_city(app, "Dakar", "SN")
    other = app.user(713)
    await other.send("/new")
    picker = await other.send("Dakar")
    asked = await other.press(picker[-1], "Ma ville n’est pas dans la liste")
    assert "Dans quel pays ?" in asked.texts[-1]
    assert (await account(app, 713)).city_name == "Dakar"

    user = app.user(712)
    await user.send("/new")
    asked = await user.send("Kaolack")  # no listed match: straight to the country
    assert "Dans quel pays ?" in asked.texts[-1]
    for answer in ("Sénégal", "Moussa Sow", "Adjoint au maire", "+221 77 000 00 01",
                   "moussa@kaolack.sn"):  # fmt: skip
        await user.send(answer)
    kaolack = (await cities(app))["Kaolack/SN"]
    assert not kaolack.listed
    await app.drain_outbox()
    card = app.api.messages(SECRETARIAT)[-1]
    assert "🆕 Nouvelle inscription" in card["text"]
    assert "⚠️ Pas une ville membre de la liste" in card["text"]
    assert {"✅ Vérifier", "✖ Refuser"} <= set(buttons(card))
    # Only the first completion sends a card.
    profile = await user.send("/profile")
    await user.press(profile[-1], "Fonction")
    await user.send("Maire")
    await app.drain_outbox()
    assert sum("Nouvelle inscription" in t for t in group_texts(app)) == 1


# ---------------------------------------------------------------- verification


async def registration_card(app: InProcessBot, user: InProcessUser, city: str) -> dict:
    """The whole registration (picking the city when it is listed); the card it sends."""
    await user.send("/new")
    reply = await user.send(city)
    listed = [t for t in buttons(reply[-1]) if t.startswith(city + " (")]
    if listed:
        await user.press(reply[-1], listed[0])
    else:
        await user.send("Sénégal")
    for answer in ("Awa Ndiaye", "Head of planning", "+221 77 000 00 02", "awa@city.sn"):
        await user.send(answer)
    await app.drain_outbox()
    return app.api.messages(SECRETARIAT)[-1]


async def test_verified_in_the_group_the_person_is_told_in_their_language(
    app: InProcessBot,
) -> None:
    await add_city(app, "Dakar", "SN")
    await add_person(app, 720, role="secretariat")
    applicant = app.user(720 + 1, language_code="en")
    card = await registration_card(app, applicant, "Dakar")
    assert "✅ Une ville membre de la liste" in card["text"]
    outsider = in_group(app.user(729))  # a member of the group without a role
    refused = await outsider.press_data(card, buttons(card)["✅ Vérifier"], expect=0)
    assert app.api.callback_answer(refused.callback_query_id)["text"] == REFUSAL["fr"]
    assert (await account(app, 721)).verification == "pending"
    staff = in_group(app.user(720))
    await staff.press_data(card, buttons(card)["✅ Vérifier"], expect=0)
    assert "L’inscription d’Awa Ndiaye est vérifiée" in group_texts(app)[-1]
    person = await account(app, 721)
    assert (person.verification, person.verified_by) == ("verified", 720)
    await app.drain_outbox()
    told = app.api.messages(721)[-1]["text"]
    assert told.startswith("✅ The Permanent Secretariat has verified your registration.")
    now = app.api.get_message(SECRETARIAT, card["message_id"])
    assert "reply_markup" not in now  # the decision took the buttons away
    again = await staff.press_data(now, buttons(card)["✖ Refuser"], expect=0)
    assert app.api.callback_answer(again.callback_query_id)["text"] == (
        "Ce n’est plus possible : l’inscription de Awa Ndiaye est désormais vérifiée."
    )


async def test_a_decision_wakes_the_outbox_once_after_its_commit_and_no_handler_wakes_it(
    app: InProcessBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The session's commit hook wakes the outbox worker after the transaction that wrote the
    notices (the person told, the card's buttons gone): once, whatever the handler does."""
    await add_person(app, 740, role="secretariat")
    card = await registration_card(app, app.user(741, language_code="en"), "Dakar")
    assert app.app is not None
    woken: list[int] = []
    monkeypatch.setattr(app.app.outbox, "wake", lambda: woken.append(1))
    staff = in_group(app.user(740))
    await staff.press_data(card, buttons(card)["✅ Vérifier"], expect=0)
    assert woken == [1]
    await app.drain_outbox()
    assert app.api.messages(741)[-1]["text"].startswith("✅ The Permanent Secretariat has")
    now = app.api.get_message(SECRETARIAT, card["message_id"])
    assert "reply_markup" not in now  # the outbox edited the card
    await staff.press_data(now, buttons(card)["✅ Vérifier"], expect=0)  # stale: nothing sent
    assert woken == [1]
    handlers = Path(__file__).parent.parent / "handlers"
    assert not [p.name for p in handlers.glob("*.py") if ".wake()" in p.read_text()]


async def test_refused_with_a_reason_an_english_speaker_reads_english(app: InProcessBot) -> None:
    await add_person(app, 730, role="secretariat", language="fr")
    applicant = app.user(731, language_code="en")
    card = await registration_card(app, applicant, "Thiès")
    staff = in_group(app.user(730))
    await staff.press_data(card, buttons(card)["✖ Refuser"], expect=0)
    assert "Pourquoi l’inscription d’Awa Ndiaye est-elle refusée ?" in group_texts(app)[-1]
    await staff.send("Thiès n’est pas membre de l’AIMF.", expect=0)
    assert "est refusée" in group_texts(app)[-1]
    person = await account(app, 731)
    assert (person.verification, person.refusal_reason) == (
        "refused",
        "Thiès n’est pas membre de l’AIMF.",
    )
    await app.drain_outbox()
    told = app.api.messages(731)[-1]["text"]
    assert told.startswith(
        "✖ The Permanent Secretariat could not verify your registration for Thiès."
    )
    assert "Thiès n’est pas membre de l’AIMF." in told
    assert "You no longer have access to Thiès's dossiers" in told and "/profile" in told


# ---------------------------------------------------------------- staff and invites


async def test_an_admin_grants_and_revokes_with_confirmation(app: InProcessBot) -> None:
    await app.user(740, language_code="en").send("/start")
    admin = app.user(ADMIN)
    listing = await admin.send("/staff")
    ask = await admin.press(listing[-1], "➕ Attribuer un rôle")
    assert "identifiant" in ask.texts[-1]
    unknown = await admin.send("999999")
    assert "n’a pas encore écrit au bot" in unknown.texts[-1]
    await admin.press(listing[-1], "➕ Attribuer un rôle")
    roles = await admin.send("740")
    confirm = await admin.press(roles[-1], "Commission d’aide humanitaire")
    assert (await account(app, 740)).role == "applicant"  # not before the confirmation
    done = await admin.press(confirm[-1], "✅ Oui, attribuer")
    assert "a maintenant le rôle « Commission d’aide humanitaire »" in done.texts[-1]
    assert (await account(app, 740)).role == "commission"
    await app.drain_outbox()
    assert "Humanitarian Aid commission" in app.api.messages(740)[-1]["text"]
    again = await admin.press_data(confirm[-1], "sf:grant_ok:740:commission:0", expect=0)
    assert "a déjà ce rôle" in app.api.callback_answer(again.callback_query_id)["text"]

    listing = await admin.send("/staff")
    assert "✖ Retirer Awa" in buttons(listing[-1])
    assert not any(str(ADMIN) in d for d in buttons(listing[-1]).values())  # not oneself
    confirm = await admin.press(listing[-1], "✖ Retirer Awa")
    await admin.press(confirm[-1], "✖ Oui, retirer")
    assert (await account(app, 740)).role == "applicant"
    stale = await admin.press_data(confirm[-1], "sf:revoke_ok:740:commission:0", expect=0)
    assert app.api.callback_answer(stale.callback_query_id)["text"] == (
        "Ce bouton n’est plus valide."
    )
    forged = await admin.press_data(listing[-1], f"sf:revoke_ok:{ADMIN}:admin:0", expect=0)
    assert "ADMIN_IDS" in app.api.callback_answer(forged.callback_query_id)["text"]
    assert (await account(app, ADMIN)).role == "applicant"  # stored as is; ADMIN_IDS decides


async def test_an_invite_gives_its_role_once_until_it_expires(app: InProcessBot) -> None:
    admin = app.user(ADMIN)
    listing = await admin.send("/staff")
    menu = await admin.press(listing[-1], "🔗 Lien d’invitation")
    assert "pendant 7 jours" in menu.texts[-1]
    created = await admin.press(menu[-1], "Secrétariat permanent")
    link = re.search(r"https://t\.me/aimf_test_bot\?start=([A-Za-z0-9_-]+)", created.texts[-1])
    assert link is not None and len(link.group(1)) <= 64
    token = link.group(1)

    first = app.user(750)
    welcome = await first.send(f"/start {token}")
    assert "rôle « Secrétariat permanent »" in welcome.texts[0]
    assert (await account(app, 750)).role == "secretariat"
    second = app.user(751)
    used = await second.send(f"/start {token}")
    assert "déjà été utilisé" in used.texts[0]
    assert (await account(app, 751)).role == "applicant"
    forged = await second.send("/start forgedTOKEN_123")
    assert "n’est pas valide" in forged.texts[0]

    created = await admin.press(menu[-1], "Présidence")
    token = re.search(r"start=([A-Za-z0-9_-]+)", created.texts[-1]).group(1)
    async with app.sessions() as session:
        await session.execute(
            update(Invite)
            .where(Invite.token == token)
            .values(
                created_at=utcnow() - timedelta(days=8), expires_at=utcnow() - timedelta(days=1)
            )
        )
        await session.commit()
    expired = await second.send(f"/start {token}")
    assert "a expiré" in expired.texts[0]
    assert (await account(app, 751)).role == "applicant"


async def test_a_city_invite_ties_a_focal_point_to_the_city_at_once(app: InProcessBot) -> None:
    dakar = await add_city(app, "Dakar", "SN")
    admin = app.user(ADMIN)
    listing = await admin.send("/staff")
    menu = await admin.press(listing[-1], "🔗 Lien d’invitation")
    await admin.press(menu[-1], "🏙 Le point focal d’une ville")
    matches = await admin.send("dakar")
    created = await admin.press(matches[-1], "Dakar (Sénégal)")
    token = re.search(r"start=([A-Za-z0-9_-]+)", created.texts[-1]).group(1)
    focal = app.user(760, language_code="en")
    reply = await focal.send(f"/start {token}")
    assert "focal point of Dakar (Senegal)" in reply.texts[0]
    assert "Your full name?" in reply.texts[-1]  # city and country are known
    person = await account(app, 760)
    assert (person.city_id, person.country, person.verification) == (dakar, "SN", "verified")


# ---------------------------------------------------------------- who may do what

ROLES = {801: "applicant", 802: "secretariat", 803: "commission", 804: "presidency", ADMIN: "admin"}
#            command or button               who may (besides admins)
MATRIX = [
    ("/cities", {"secretariat"}),
    ("/staff", set()),
    ("/registrations", {"secretariat"}),
    ("ct:list:0:0", {"secretariat"}),
    ("ct:import:0:0", set()),
    ("sf:list:0::0", set()),
    ("sf:grant_ok:801:admin:0", set()),
    ("sf:inv_role:0:admin:0", set()),
    ("vf:ok:900:1", {"secretariat"}),  # Dakar, the only city: id 1
]


async def snapshot(app: InProcessBot) -> tuple:
    async with app.sessions() as session:
        people = sorted(
            (a.telegram_id, a.role, a.verification) for a in await session.scalars(select(Account))
        )
        invites = len(list(await session.scalars(select(Invite))))
        listed = sorted((c.name, c.listed) for c in await session.scalars(select(City)))
    return people, invites, listed


async def test_every_role_against_every_command_and_button(app: InProcessBot) -> None:
    for telegram_id, role in ROLES.items():
        await add_person(
            app, telegram_id, role=role, language="en" if role == "applicant" else "fr"
        )
    await add_city(app, "Dakar", "SN")
    await add_person(app, 900, registered=True)
    await app.user(900).send("/start")  # told later of the decision
    for telegram_id, role in ROLES.items():
        user = app.user(telegram_id)
        anchor = (await user.send("/help"))[-1]
        for action, allowed in MATRIX:
            may = role == "admin" or role in allowed
            before = await snapshot(app)
            if action.startswith("/"):
                reply = await user.send(action)
                answer = reply.texts[0]
            else:
                reply = await user.press_data(anchor, action, expect=0)
                answer = (app.api.callback_answer(reply.callback_query_id) or {}).get("text")
            refusal = REFUSAL["en" if role == "applicant" else "fr"]
            assert (answer == refusal) is not may, (role, action, answer)
            if not may:
                assert await snapshot(app) == before, (role, action)
        await user.send("/cancel")  # leaves a note or import asked for by a button
    # A forged payload naming a record that does not exist changes nothing either.
    admin = app.user(ADMIN)
    anchor = (await admin.send("/help"))[-1]
    before = await snapshot(app)
    for forged in ("ct:open:99999:0", "sf:role:123456:admin:0", "sf:x:1::0", "pk:99999"):
        reply = await admin.press_data(anchor, forged, expect=0)
        assert "plus valide" in app.api.callback_answer(reply.callback_query_id)["text"]
    for forged in ("vf:ok:123456:1", "vf:no:123456:1"):  # a registration that is not there
        reply = await admin.press_data(anchor, forged, expect=0)
        answer = app.api.callback_answer(reply.callback_query_id)
        assert answer == {**answer, "text": "Cette inscription n’existe plus.", "show_alert": True}
    assert await snapshot(app) == before


async def test_stale_and_forged_presses_are_refused_in_words_and_change_nothing(
    app: InProcessBot,
) -> None:
    """The use cases refuse with a code (not None), said by the one glue: a card of a city the
    person has since left, a role that is no longer theirs, a city off the list, an invite
    asked for in a group, a configured admin typed as a grantee."""
    await add_city(app, "Dakar", "SN")
    thies = await add_city(app, "Thiès", "SN")
    await add_person(app, 900, registered=True)  # waiting for verification, for Dakar
    async with app.sessions() as session:
        unlisted = City(name="Kaolack", name_key="kaolack", country="SN")
        session.add(unlisted)
        await session.commit()
    admin = app.user(ADMIN)
    anchor = (await admin.send("/help"))[-1]
    before = await snapshot(app)

    async def popup(user: InProcessUser, data: str, card: dict = anchor) -> str:
        reply = await user.press_data(card, data, expect=0)
        answer = app.api.callback_answer(reply.callback_query_id)
        assert answer["show_alert"] is True and reply.sent == []
        return answer["text"]

    changed = (
        "Ce n’est plus possible : cette personne a changé de ville depuis cette fiche ; sa "
        "nouvelle inscription a sa propre fiche."
    )
    assert await popup(admin, f"vf:ok:900:{thies}") == changed
    assert await popup(admin, f"vf:no:900:{thies}") == changed  # not asked for a reason
    stale = "Ce bouton n’est plus valide."
    assert await popup(admin, "sf:revoke:900:commission:0") == stale  # not their role
    assert await popup(admin, "sf:revoke_ok:900:commission:0") == stale
    assert await popup(admin, "sf:role:900:mayor:0") == stale  # not a role a grant gives
    assert await popup(admin, f"ct:name:{unlisted.id}:0") == stale
    assert await popup(admin, f"sf:inv_city:0::{unlisted.id}") == stale
    group = in_group(app.user(ADMIN))
    card = {"message_id": 1, "date": 1, "chat": GROUP}
    assert "conversation privée" in await popup(group, "sf:inv_role:0:secretariat:0", card)
    await app.user(ADMIN).press_data(anchor, "sf:grant:0::0")
    typed = await admin.send(str(ADMIN))
    assert typed.texts == ["Cette personne est administrateur par ADMIN_IDS : son rôle reste."]
    assert await snapshot(app) == before
