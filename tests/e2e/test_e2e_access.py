"""A city's records belong to its verified officials (bot/domain/access.py), end to end through the
real bot, on SQLite and PostgreSQL: someone who registers by typing "DAKAR" tries every command
and button on Dakar's dossiers and emergency, forged ones included, before and after the
Secretariat refuses them, and reaches nothing, changes nothing and is told nothing; a second,
verified official of Dakar sees and acts and is told. The first official of a city may submit
unverified (flagged); after that an unverified account's submission waits. Verify / Refuse is a
compare-and-set: two staff deciding at once record one decision. A change of city in /profile
makes the official unverified again, asks the country again and takes the old city away."""

import asyncio
import re
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.services.people import link_city
from storage.accounts import new_account
from storage.dossiers import create_dossier
from storage.models import Account, Dossier, DossierMessage, OutboxMessage, StatusChange
from storage.types import utcnow
from testkit.decided_kit import card_in
from testkit.factories import complete_answers
from testkit.harness import SECRETARIAT, SECRETARIAT_GROUP, InProcessBot
from testkit.seeds import complete_dossier

AWA, KARIM, INTRUDER, STAFF, OTHER_STAFF = 601, 607, 666, 603, 608
NOT_YOURS = "Ce dossier ne vous est pas accessible."
NO_SUCH = "Aucun de vos dossiers n’a cette référence."
# What the intruder must never read: Dakar's references, titles and its official's details.
SECRETS = ("FC-2026-0042", "FC-2026-0043", "FU-2026-", "Solar street lighting", "Market hall",
           "Water points", "Awa Ndiaye", "awa@dakar.sn", "Quartiers Nord")  # fmt: skip


CARD = card_in(INTRUDER)


async def verified(app: InProcessBot, telegram_id: int) -> None:
    async with app.sessions() as session:
        account = await session.get(Account, telegram_id)
        account.verification, account.registered_at = "verified", utcnow()
        await session.commit()


async def dakar(app: InProcessBot) -> dict[str, int]:
    """Dakar as the Secretariat knows it: Awa (verified) with FC-2026-0042 submitted,
    FC-2026-0043 sent back for changes, a draft and a flood reported (FU-2026-0001); Karim, a
    second verified official; staff."""
    ids = {"submitted": await app.seed(AWA, complete_answers(), "review")}
    async with app.sessions() as session:
        awa = await session.get(Account, AWA)
        awa.verification, awa.registered_at = "verified", utcnow()
        row = await session.get(Dossier, ids["submitted"])
        row.status, row.reference, row.submitted_at = "submitted", "FC-2026-0042", utcnow()
        back = await create_dossier(session, awa, complete_answers(title="Market hall"))
        back.status, back.reference, back.submitted_at = (
            "changes_requested",
            "FC-2026-0043",
            utcnow(),
        )
        back.cursor = {"q": "review"}
        draft = await create_dossier(session, awa, complete_answers(title="Water points"))
        draft.cursor = {"q": "title"}
        flood = await create_dossier(session, awa, {"event": "flood", "place": "Quartiers Nord"})
        flood.form, flood.status, flood.reference = "emergency", "reported", "FU-2026-0001"
        flood.submitted_at, flood.submitted_answers = utcnow(), flood.answers
        karim = new_account(session, KARIM, "Karim")
        karim.city_name, karim.country, karim.language = "Dakar", "SN", "fr"
        karim.full_name, karim.function = "Karim Diop", "Maire adjoint"
        karim.phone, karim.email = "+221770000007", "karim@dakar.sn"
        karim.verification, karim.registered_at = "verified", utcnow()
        await link_city(session, karim)
        await session.commit()
        ids |= {"back": back.id, "draft": draft.id, "emergency": flood.id, "city": awa.city_id}
    await app.add_staff(STAFF, "secretariat", "fr", "Sophie Martin")
    await app.add_staff(OTHER_STAFF, "secretariat", "fr", "Paul Durand")
    for person in (AWA, KARIM):
        await app.user(person).send("/start")
    return ids


async def register(app: InProcessBot, user_id: int, city: str, country: str) -> list[dict]:
    """The whole registration through the bot, the city typed; the last screen."""
    user = app.user(user_id, first_name="Faux")
    await user.send("/new")
    reply = await user.send(city)
    assert "Dans quel pays ?" in reply.texts[-1]
    for answer in (country, "Faux Nom", "Trésorier", "+221 77 000 00 09", "faux@dakar.sn"):
        reply = await user.send(answer)
    return reply


async def snapshot(app: InProcessBot) -> tuple:
    """Every record's status and answers, and how many history entries and messages exist."""
    async with app.sessions() as session:
        rows = await session.scalars(select(Dossier).order_by(Dossier.id))
        records = [(d.id, d.status, d.reference, sorted(d.answers.items(), key=str)) for d in rows]
        changes = await session.scalar(select(func.count()).select_from(StatusChange))
        messages = await session.scalar(select(func.count()).select_from(DossierMessage))
    return records, changes, messages


def read(reply: list[dict]) -> str:
    """Everything the person can read in what the bot sent: texts, captions, button labels."""
    parts = []
    for message in reply:
        parts.append(message.get("text", "") + message.get("caption", ""))
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        parts += [button["text"] for row in rows for button in row]
    return "\n".join(parts)


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


async def told_to(app: InProcessBot, chat_id: int) -> str:
    await app.drain_outbox()
    return "\n".join(m.get("text", "") for m in app.api.messages(chat_id))


async def attempts(app: InProcessBot, ids: dict[str, int], emergency: int) -> list[str]:
    """The intruder tries every command and button on Dakar's records; what each answered."""
    user = app.user(INTRUDER, first_name="Faux")
    answers = []
    for command in ("/dossiers", "/status", "/dossier FC-2026-0042", "/dossier fc-2026-0043"):
        reply = await user.send(command, expect=0)
        assert not leaks(read(reply)), (command, read(reply))
        answers.append(reply.texts[0])
    sub, back, draft = ids["submitted"], ids["back"], ids["draft"]
    buttons = [f"m:{sub}:{action}:" for action in ("open", "review", "pdf", "write", "withdraw",
                                                   "withdraw_ok", "sections")]  # fmt: skip
    buttons += [f"m:{back}:jump:title", f"m:{back}:submit:", f"m:{back}:submit_ok:",
                f"m:{back}:fix:", f"m:{draft}:resume:", f"m:{draft}:delete_ok:",
                f"q:{back}:title:back:", f"q:{draft}:title:skip:", f"s:open:{sub}:",
                f"s:pdf:{sub}:", f"s:write:{sub}:", f"s:mv:{sub}:review",
                f"e:{emergency}:answer", f"e:{emergency}:sitrep"]  # fmt: skip
    for data in buttons:
        reply = await user.press_data(CARD, data, expect=0)
        assert not leaks(read(reply)), (data, read(reply))
        assert not [m for m in reply if "document" in m], data
        answer = app.api.callback_answer(reply.callback_query_id)
        assert answer is not None and answer.get("show_alert") is True, (data, answer)
        answers.append(answer["text"])
    # Typed answers go nowhere near Dakar's draft either (their own draft, if any, takes them).
    await user.send("Titre volé", expect=0)
    sheet = await user.press_data(CARD, "xl:city:0:", expect=0)
    for message in sheet:
        if "document" in message:
            content = app.api.files.get(message["document"]["file_id"]).content
            cells = [str(c.value) for r in load_workbook(BytesIO(content)).active for c in r]
            assert not leaks("\n".join(cells)), cells
    assert not leaks(read(sheet)), read(sheet)
    answers.append(read(sheet))
    return answers


async def test_typing_a_citys_name_reaches_nothing_of_it(
    app_on_each_database: InProcessBot,
) -> None:
    app = app_on_each_database
    ids = await dakar(app)
    emergency = ids["emergency"]

    # Someone types "DAKAR" at registration: the same city, pending verification.
    await register(app, INTRUDER, "DAKAR", "Sénégal")
    async with app.sessions() as session:
        intruder = await session.get(Account, INTRUDER)
        assert (intruder.city_id, intruder.verification) == (ids["city"], "pending")
        own_draft = intruder.active_dossier_id  # registering for "/new" opened their own draft
    assert own_draft is not None
    before = await snapshot(app)
    answers = await attempts(app, ids, emergency)
    assert answers[:4] == [
        answers[0],  # their own list: their draft alone, and why
        answers[1],
        NO_SUCH,
        NO_SUCH,
    ]
    assert "vous ne voyez que les dossiers que vous avez vous-même commencés" in answers[0]
    assert "vous ne voyez que les dossiers que vous avez vous-même commencés" in answers[1]
    assert set(answers[4:-1]) <= {
        NOT_YOURS,
        "Ce bouton n’est plus valide.",
        "Désolé, cela ne vous revient pas.",
        "Désolé, ceci est réservé au personnel du Secrétariat permanent qui en a le droit.",
    }, answers
    assert "0 dossier" not in answers[-1] and "1 dossier" in answers[-1]  # their own draft only
    after = await snapshot(app)
    assert after[1:] == before[1:]  # no history entry, no message
    assert [r for r in after[0] if r[0] != own_draft] == [r for r in before[0] if r[0] != own_draft]

    # The Secretariat acts on Dakar's dossier and emergency: the verified officials are told,
    # the intruder nothing.
    staff = app.user(STAFF, group=SECRETARIAT_GROUP)
    group_card = {"message_id": 1, "date": 1, "chat": SECRETARIAT_GROUP, "text": "…"}
    await staff.press_data(group_card, f"s:mv:{ids['submitted']}:review", expect=0)
    await staff.press_data(group_card, f"s:write:{ids['submitted']}:", expect=0)
    await staff.send("Merci d’envoyer le RIB de la ville.", expect=0)
    await staff.press_data(group_card, f"e:{emergency}:ask", expect=0)
    await staff.send("Combien de familles sont relogées ?", expect=0)
    for official in (AWA, KARIM):
        news = await told_to(app, official)
        assert "En cours d’examen" in news and "Merci d’envoyer le RIB" in news
        assert "Combien de familles" in news
    assert not leaks(await told_to(app, INTRUDER))

    # Refused: the intruder loses even the draft they started, and is told so.
    card = [m for m in app.api.messages(SECRETARIAT) if "Faux Nom" in m.get("text", "")][-1]
    await staff.press(card, "✖ Refuser", expect=0)
    await staff.send("Cette personne n’est pas de la mairie de Dakar.", expect=0)
    refusal = (await told_to(app, INTRUDER)).split("✖ Le Secrétariat permanent")[-1]
    assert "n’a pas pu vérifier votre inscription pour DAKAR" in refusal
    assert "Vous n’avez plus accès aux dossiers" in refusal and "/profile" in refusal
    before = await snapshot(app)
    answers = await attempts(app, ids, emergency)
    no_access = "Le Secrétariat permanent a refusé votre inscription pour DAKAR"
    assert all(no_access in a for a in answers[:2]) and answers[2:4] == [NO_SUCH, NO_SUCH]
    assert no_access in answers[-1]  # no spreadsheet at all
    user = app.user(INTRUDER, first_name="Faux")
    for action in ("/new", "/emergency"):
        assert no_access in (await user.send(action, expect=0)).texts[0]
    own = await user.press_data(CARD, f"m:{own_draft}:resume:", expect=0)
    assert app.api.callback_answer(own.callback_query_id)["text"] == NOT_YOURS
    assert await snapshot(app) == before
    async with app.sessions() as session:
        assert (await session.get(Account, INTRUDER)).active_dossier_id is None
        assert await session.get(Dossier, own_draft) is not None  # kept, the city's

    # Karim, verified, sees and acts on Awa's dossier (and the intruder's abandoned draft).
    karim = app.user(KARIM, first_name="Karim")
    listing = read(await karim.send("/dossiers"))
    assert "FC-2026-0042" in listing and "FC-2026-0043" in listing and "Water points" in listing
    shown = await karim.send("/dossier FC-2026-0042")
    assert "📂 Dossier FC-2026-0042" in shown.texts[0]
    assert "📄 PDF" in karim.buttons(shown[-1])  # drawn through the same check (test_e2e_pdf.py)
    opened = await karim.press_data(card_in(KARIM), f"m:{own_draft}:review:")
    assert NOT_YOURS not in read(opened)
    await karim.press_data(shown[-1], f"m:{ids['submitted']}:write:")
    await karim.send("Le RIB suit par courriel.")
    await karim.press_data(shown[-1], f"m:{ids['submitted']}:withdraw_ok:")
    assert "Retiré" in await told_to(app, AWA)
    assert not leaks(await told_to(app, INTRUDER))
    staff_side = [
        m["text"] for m in app.api.messages(SECRETARIAT) if "Le RIB suit" in m.get("text", "")
    ]
    assert len(staff_side) == 1 and "⚠️" not in staff_side[0]  # a verified official: no flag


async def test_the_first_official_submits_flagged_then_submissions_wait_for_verification(
    app_on_each_database: InProcessBot,
) -> None:
    app = app_on_each_database
    first = await complete_dossier(app, AWA)  # Awa, pending: Dakar has no verified official yet
    awa = app.user(AWA)
    await awa.press_data(card_in(AWA), f"m:{first}:submit:")
    done = await awa.press_data(card_in(AWA), f"m:{first}:submit_ok:")
    reference = re.search(r"FC-\d{4}-\d{4}", done.texts[-1]).group()
    await awa.press_data(done[-1], f"m:{first}:write:")
    await awa.send("Nous joignons le RIB de la ville.")
    await app.drain_outbox()
    group = [m["text"] for m in app.api.messages(SECRETARIAT)]
    (card,) = [t for t in group if t.startswith("📥") and reference in t]
    assert "⚠️ Envoyé par un compte que le Secrétariat n’a pas encore vérifié." in card
    (message,) = [t for t in group if "Nous joignons le RIB" in t]
    assert "⚠️ Envoyé par un compte que le Secrétariat n’a pas encore vérifié." in message

    # Once Dakar has a verified official, a second, unverified one prepares but cannot submit.
    await verified(app, AWA)
    draft = await complete_dossier(app, KARIM)  # another official of Dakar, pending
    moussa = app.user(KARIM, first_name="Moussa")
    waits = "sera possible dès que le Secrétariat aura vérifié votre inscription"
    for action in ("submit", "submit_ok"):
        reply = await moussa.press_data(card_in(KARIM), f"m:{draft}:{action}:")
        assert waits in reply.texts[-1]
    async with app.sessions() as session:
        row = await session.get(Dossier, draft)
        assert (row.status, row.reference) == ("draft", None)  # kept as it was
        assert await session.scalar(select(func.count()).select_from(StatusChange)) == 1
    # Verified, the same press submits it.
    await verified(app, KARIM)
    done = await moussa.press_data(card_in(KARIM), f"m:{draft}:submit_ok:")
    assert "📤 Dossier soumis" in done.texts[-1]


async def test_two_staff_deciding_one_registration_at_once_record_one_decision(
    app_on_each_database: InProcessBot,
) -> None:
    """Verify and Refuse (its reason sent) at the same moment, by two staff members, many times:
    one decision, told once to the person; the other staff member is told what was decided."""
    app = app_on_each_database
    await app.add_staff(STAFF, "secretariat", "fr", "Sophie Martin")
    await app.add_staff(OTHER_STAFF, "secretariat", "fr", "Paul Durand")
    sophie = app.user(STAFF, group=SECRETARIAT_GROUP)
    paul = app.user(OTHER_STAFF, group=SECRETARIAT_GROUP)
    card = {"message_id": 1, "date": 1, "chat": SECRETARIAT_GROUP, "text": "…"}
    outcomes = set()
    for person in range(900, 910):
        async with app.sessions() as session:
            account = new_account(session, person, f"P{person}")
            account.city_name, account.country, account.language = "Thiès", "SN", "fr"
            account.full_name, account.function = f"Personne {person}", "Adjoint"
            account.phone, account.email = "+221771234567", f"p{person}@thies.sn"
            account.registered_at = utcnow()
            await link_city(session, account)
            await session.commit()
            city = account.city_id
        app.api.add_private(person, f"P{person}")  # they wrote to the bot: they can be told
        await paul.press_data(card, f"vf:no:{person}:{city}", expect=0)  # asks for the reason
        seen = len(app.api.messages(SECRETARIAT))
        verify, _refuse = await asyncio.gather(
            sophie.press_data(card, f"vf:ok:{person}:{city}", expect=0),
            paul.send("Pas un agent de la ville.", expect=0),
        )
        await app.drain_outbox()
        async with app.sessions() as session:
            account = await session.get(Account, person)
            told = await session.scalars(
                select(OutboxMessage).where(OutboxMessage.chat_id == person)
            )
            assert len(list(told)) == 1, person  # one outcome, told once
        said = sorted(m["text"] for m in app.api.messages(SECRETARIAT)[seen:])
        answer = app.api.callback_answer(verify.callback_query_id).get("text")
        late = f"Ce n’est plus possible : l’inscription de Personne {person} est désormais "
        if account.verification == "verified":
            assert answer is None and account.verified_by == STAFF
            assert said == [
                f"Ce n’est plus possible : l’inscription de Personne {person} est désormais "
                "vérifiée.",
                f"✅ L’inscription de Personne {person} est vérifiée (par Sophie Martin).",
            ]
        else:
            assert account.verification == "refused" and account.verified_by == OTHER_STAFF
            assert answer == late + "refusée."
            assert said == [
                f"✖ L’inscription de Personne {person} est refusée (par Paul Durand). "
                "Motif : Pas un agent de la ville."
            ]
        outcomes.add(account.verification)
    assert outcomes  # (which one wins is a race: both are right)


async def test_a_change_of_city_unverifies_asks_the_country_and_takes_the_old_city_away(
    app_on_each_database: InProcessBot,
) -> None:
    app = app_on_each_database
    ids = await dakar(app)
    karim = app.user(KARIM, first_name="Karim")
    profile = await karim.send("/profile")
    asked = await karim.press(profile[-1], "✏️ Ville")
    reply = await karim.send("Toamasina")  # not on the member list: typed as it is
    assert "Dans quel pays ?" in reply.texts[-1]  # not "Toamasina (Sénégal)"
    async with app.sessions() as session:
        account = await session.get(Account, KARIM)
        assert (account.city_id, account.country, account.verification) == (None, None, "pending")
    assert NO_SUCH in (await karim.send("/dossier FC-2026-0042", expect=0)).texts
    await app.drain_outbox()
    cards_before = len([m for m in app.api.messages(SECRETARIAT) if "🆕" in m.get("text", "")])
    reply = await karim.send("Madagascar")
    assert "Votre profil" in reply[-1]["text"] and "Madagascar" in reply[-1]["text"]
    async with app.sessions() as session:
        account = await session.get(Account, KARIM)
        toamasina = account.city_id
        assert toamasina not in (None, ids["city"]) and account.country == "MG"
        assert account.verification == "pending" and account.registered_at is not None
    await app.drain_outbox()
    cards = [m for m in app.api.messages(SECRETARIAT) if "🆕" in m.get("text", "")]
    assert len(cards) == cards_before + 1 and "Toamasina" in cards[-1]["text"]
    listing = read(await karim.send("/dossiers"))
    assert not leaks(listing)
    assert NO_SUCH in (await karim.send("/dossier FC-2026-0042", expect=0)).texts
    # A card of the old registration (Dakar) decides nothing about the new one (Toamasina).
    staff = app.user(STAFF, group=SECRETARIAT_GROUP)
    card = {"message_id": 1, "date": 1, "chat": SECRETARIAT_GROUP, "text": "…"}
    old = await staff.press_data(card, f"vf:ok:{KARIM}:{ids['city']}", expect=0)
    assert "a changé de ville" in app.api.callback_answer(old.callback_query_id)["text"]
    async with app.sessions() as session:
        assert (await session.get(Account, KARIM)).verification == "pending"
    new = await staff.press(cards[-1], "✅ Vérifier", expect=0)
    assert app.api.callback_answer(new.callback_query_id).get("text") is None
    async with app.sessions() as session:
        assert (await session.get(Account, KARIM)).verification == "verified"
    assert asked  # the profile's city button led to the city question
