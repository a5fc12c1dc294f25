"""One decision at a time (issue 14 §2; issue 18 "One dossier, one reference"). Two people press
at the same moment on one record: their updates go through the dispatcher at once
(`asyncio.gather`), and a gate holds each at the compare-and-set until the other has come too, so
both have read the old state before either writes (`Gate.met` proves they met). On SQLite and on
PostgreSQL, several rounds each (a race passed once proves nothing): one history row, one notice
per official, one card edit, one proposal, one reference, one role, one session; the second
presser is told "This is no longer possible: … is now …" in their language, and nothing else."""

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

import bot.services.emergencies
import bot.services.team
import storage.dossiers
import storage.review
from bot.domain.emergency_form import EMERGENCY_FORM
from bot.domain.machine import StatusRefused
from bot.domain.roles import Role
from bot.notify.notice import card_of
from bot.services.emergencies import Emergencies
from bot.services.people import link_city
from bot.services.review import Review
from bot.telegram.people_callbacks import StaffButton
from storage.accounts import new_account
from storage.dossiers import create_dossier
from storage.models import (
    Account,
    Attachment,
    BureauSession,
    Dossier,
    EmergencyProposal,
    OutboxMessage,
    ReferenceCounter,
    StatusChange,
)
from storage.outbox import enqueue
from storage.types import utcnow
from testkit.backends import BACKENDS, postgres_url
from testkit.databases import fresh_engine
from testkit.harness import SECRETARIAT as SECRETARIAT_CHAT
from testkit.harness import InProcessBot, check_clean
from testkit.harness import audience_of as app_audience
from testkit.seeds import (
    ADMIN,
    CITY,
    COMMISSION,
    PRESIDENCY,
    SECRETARIAT,
    complete_dossier,
    official,
    submitted,
)
from testkit.standin import BotAPIStandIn

SEND = "📤 Envoyer"  # a previewed decision goes on this button
ROUNDS = 4  # each a true race (the gate), so a few suffice; both kinds of round twice
COMMISSION_CHAT, PRESIDENCY_CHAT = -1009876543210, -1005555555555
DAKAR_2 = 611  # a second official of Dakar (CITY is the first)
TOAMASINA, TOAMASINA_2 = 701, 702
PRESIDENCY_2 = 607
FR = {  # the status labels a French-speaking presser reads
    "rejected": "Rejeté",
    "eligible": "Éligible",
    "withdrawn": "Retiré",
    "in_review": "En cours d’examen",
    "reported": "Signalée",
    "acknowledged": "Pris en compte",
    "proposed": "Aide proposée",
    "approved": "Aide accordée",
    "secretariat": "Secrétariat permanent",
    "commission": "Commission d’aide humanitaire",
    "applicant": "Responsable municipal",
}


FLOOD = {  # a report's answers, as the city gives them (testkit/seeds.py `report_flood`)
    "event": "flood",
    "started": "2026-12-01",
    "place": "Quartiers Nord",
    "location": None,
    "description": "La rivière a débordé cette nuit, trois écoles sont inondées.",
    "affected": 1200,
}


def gone(reference: str, status: str) -> str:
    return f"Ce n’est plus possible : {reference} est maintenant « {FR[status]} »."


class Gate:
    """Wraps `owner.name`: each call waits there until `parties` calls have come (or `wait`
    seconds passed), then goes on; `met` counts the rounds where all came. Updates held there
    have each read what they act on, and none has written its move yet."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *where: tuple[Any, str]) -> None:
        self.enabled = True
        self.met = 0
        self._arrived = 0
        self._all = asyncio.Event()
        for owner, name in where:  # the function, and the modules that imported it by name
            monkeypatch.setattr(owner, name, self._gated(getattr(owner, name)))

    def next_round(self, enabled: bool = True) -> None:
        self.enabled, self._arrived, self._all = enabled, 0, asyncio.Event()

    def _gated(self, original: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def call(*args: Any, **kwargs: Any) -> Any:
            if self.enabled:
                self._arrived += 1
                if self._arrived == 2:
                    self.met += 1
                    self._all.set()
                else:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._all.wait(), 3.0)
            return await original(*args, **kwargs)

        return call


async def started(request: pytest.FixtureRequest, tmp_path: Path, forum: bool) -> InProcessBot:
    url = None
    if request.param == "postgres":
        await (await fresh_engine("postgres", tmp_path)).dispose()
        url = postgres_url()
    api = BotAPIStandIn()
    api.add_group(SECRETARIAT_CHAT, "SP", forum=forum)
    api.add_group(COMMISSION_CHAT, "Commission")
    api.add_group(PRESIDENCY_CHAT, "Présidence")
    chats = {"commission_chat_id": COMMISSION_CHAT, "presidency_chat_id": PRESIDENCY_CHAT}
    under_test = InProcessBot(api, tmp_path, url, **chats)
    await under_test.start()
    assert under_test.app is not None
    await under_test.app.outbox.stop()  # what the moves wrote stays in the outbox, to count
    return under_test


@pytest.fixture(params=BACKENDS)
async def app(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[InProcessBot]:
    under_test = await started(request, tmp_path, forum=False)
    yield under_test
    await under_test.close()
    check_clean(under_test.api)


@pytest.fixture(params=BACKENDS)
async def forum(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[InProcessBot]:
    under_test = await started(request, tmp_path, forum=True)
    yield under_test
    await under_test.close()
    check_clean(under_test.api)


def private(user_id: int) -> dict:
    """A message of the bot in this person's private chat, to press a button on."""
    return {"message_id": 1, "date": 1, "chat": {"id": user_id, "type": "private"}}


async def with_buttons(app: InProcessBot, user_id: int) -> dict:
    """A real message with a button in this person's private chat (a confirmation whose
    buttons the bot takes away once pressed)."""
    assert app.bot is not None
    markup = {"inline_keyboard": [[{"text": "…", "callback_data": "x"}]]}
    sent = await app.bot.send_message(user_id, "…", reply_markup=markup)
    message = app.api.get_message(user_id, sent.message_id)
    assert message is not None
    return message


async def verified(app: InProcessBot, *user_ids: int) -> None:
    """These officials are verified by the Secretariat (they act for their city), and have
    written to the bot (it may write to them)."""
    async with app.sessions() as session:
        for user_id in user_ids:
            (await session.get(Account, user_id)).verification = "verified"
        await session.commit()
    for user_id in user_ids:
        app.api.add_private(user_id)


async def second_official(app: InProcessBot, user_id: int, of: int) -> None:
    """Another official of the city of `of`."""
    async with app.sessions() as session:
        first = await session.get(Account, of)
        account = new_account(session, user_id, "Moussa")
        account.language, account.full_name = "fr", "Moussa Diop"
        account.city_name, account.country = first.city_name, first.country
        await link_city(session, account)
        await session.commit()


async def last_outbox_id(app: InProcessBot) -> int:
    async with app.sessions() as session:
        return await session.scalar(select(func.max(OutboxMessage.id))) or 0


async def outbox_since(app: InProcessBot, since: int) -> list[OutboxMessage]:
    async with app.sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.id > since)
        return list(await session.scalars(query.order_by(OutboxMessage.id)))


async def history(app: InProcessBot, dossier_id: int) -> list[StatusChange]:
    async with app.sessions() as session:
        query = select(StatusChange).where(StatusChange.dossier_id == dossier_id)
        return list(await session.scalars(query))


async def copy_of(app: InProcessBot, base_id: int, status: str, reference: str | None) -> int:
    """A new record with the base's answers (and files), in `status`."""
    async with app.sessions() as session:
        base = await session.get(Dossier, base_id)
        row = Dossier(
            city_id=base.city_id,
            created_by=base.created_by,
            form=base.form,
            form_version=base.form_version,
            answers=dict(base.answers),
            cursor=base.cursor,
            status=status,
            reference=reference,
            submitted_at=None if status == "draft" else utcnow(),
        )
        if status != "draft":
            row.submitted_answers = dict(base.answers)
        session.add(row)
        await session.flush()
        files = await session.scalars(select(Attachment).where(Attachment.dossier_id == base_id))
        for f in list(files):
            session.add(
                Attachment(
                    dossier_id=row.id,
                    slot=f.slot,
                    file_name=f.file_name,
                    mime_type=f.mime_type,
                    size=f.size,
                    sha256=f.sha256,
                    path=f.path,
                    telegram_file_id=f.telegram_file_id,
                    uploaded_by=f.uploaded_by,
                )
            )
        await session.commit()
        return row.id


async def with_card(app: InProcessBot, dossier_id: int) -> int:
    """The dossier's card in the Secretariat's chat (an outbox row, edited at each change)."""
    async with app.sessions() as session:
        card = enqueue(session, SECRETARIAT_CHAT, "📥 card")
        card.card = card_of("dossier", dossier_id)
        await session.commit()
        return card.id


async def test_two_moves_on_one_dossier_at_once(
    app: InProcessBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Staff: "✖ Reject" (its reason typed) against "✅ Eligible" on a dossier in review; and
    the city's "↩ Withdraw" against the Secretariat's "🔎 Start the review"."""
    base_id, _reference = await submitted(app)
    await second_official(app, DAKAR_2, of=CITY)
    await verified(app, CITY, DAKAR_2)
    staff, admin, city = app.user(SECRETARIAT), app.user(ADMIN), app.user(CITY)
    gate = Gate(monkeypatch, (storage.dossiers, "set_status"))
    for number in range(1, ROUNDS + 1):
        reference = f"FC-2026-{number:04d}"
        status = "in_review" if number % 2 else "submitted"
        dossier_id = await copy_of(app, base_id, status, reference)
        card = await with_card(app, dossier_id)
        if status == "in_review":  # the reason typed, the preview shown: "Send" races
            await staff.press_data(private(SECRETARIAT), f"s:mv:{dossier_id}:reject")
            preview = (await staff.send("Le budget ne tient pas."))[-1]
        since = await last_outbox_id(app)
        gate.next_round()
        if status == "in_review":
            first, second = await asyncio.gather(
                staff.press(preview, SEND),
                admin.press_data(private(ADMIN), f"s:mv:{dossier_id}:eligible"),
            )
            replies = {"rejected": first, "eligible": second}
        else:
            first, second = await asyncio.gather(
                city.press_data(private(CITY), f"m:{dossier_id}:withdraw_ok:"),
                staff.press_data(private(SECRETARIAT), f"s:mv:{dossier_id}:review"),
            )
            replies = {"withdrawn": first, "in_review": second}

        (change,) = await history(app, dossier_id)  # one move recorded, the other refused
        now = change.to_status
        assert (await app.dossier(dossier_id)).status == now and change.from_status == status
        (lost,) = set(replies) - {now}
        # (with notices the outbox delivers; after a preview: "nothing was recorded or sent")
        assert replies[lost].texts[0].startswith(gone(reference, now)), replies[lost].texts
        written = await outbox_since(app, since)
        told = Counter(m.chat_id for m in written if m.edits is None)
        city_pressed = now == "withdrawn"  # the presser reads it on their screen; the
        # Secretariat's chat gets the withdrawal as a new message besides the card's edit
        expected = {DAKAR_2: 1, SECRETARIAT_CHAT: 1} if city_pressed else {CITY: 1, DAKAR_2: 1}
        assert told == expected, told
        assert [m.edits for m in written if m.edits is not None] == [card]
    assert gate.met == ROUNDS

    # A move from the status a preview showed: refused once the dossier has left it.
    dossier_id = await copy_of(app, base_id, "in_review", "FC-2026-0099")
    async with app.sessions() as session:
        account = await session.get(Account, SECRETARIAT)
        review = Review(session, account, Role.SECRETARIAT, app_audience(app))
        case = await review.case(dossier_id)
        assert case is not None and case.record.status == "in_review"
        with pytest.raises(StatusRefused) as refused:
            await review.move(case, "eligible", expected="submitted")
        assert (refused.value.code, refused.value.details["label"]) == ("stale", "In review")
    assert await history(app, dossier_id) == []


async def emergency_copy(app: InProcessBot, base_id: int, status: str, number: int) -> int:
    """A copy of the base emergency in `status`, with its cards (and the Presidency's, and the
    proposal, once proposed)."""
    dossier_id = await copy_of(app, base_id, status, f"FU-2026-{9000 + number}")
    chats = [SECRETARIAT_CHAT, COMMISSION_CHAT]
    async with app.sessions() as session:
        if status == "proposed":
            chats.append(PRESIDENCY_CHAT)
            session.add(
                EmergencyProposal(
                    dossier_id=dossier_id,
                    amount="50000",
                    currency="EUR",
                    phase="emergency",
                    purpose="Abris",
                    by_user=COMMISSION,
                )
            )
        for chat in chats:
            card = enqueue(session, chat, f"🚨 FU-2026-{number:04d}")
            card.card = card_of("dossier", dossier_id)
        await session.commit()
    return dossier_id


def alert_answer(app: InProcessBot, reply: Any) -> str:
    return (app.api.callback_answer(reply.callback_query_id) or {}).get("text", "")


async def test_two_moves_on_one_emergency_at_once(
    app: InProcessBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two "✅ Acknowledge" at once; two proposals at once; the Presidency's "✖ Reject" (its
    reason typed) against "🏅 Approve"."""
    await official(app.sessions, TOAMASINA, "fr", "Awa Rasoa")
    async with app.sessions() as session:
        city = await session.get(Account, TOAMASINA)
        report = await create_dossier(session, city, dict(FLOOD))
        report.form, report.form_version = EMERGENCY_FORM.key, EMERGENCY_FORM.version
        await session.commit()
        base_id = report.id
    await second_official(app, TOAMASINA_2, of=TOAMASINA)
    await verified(app, TOAMASINA, TOAMASINA_2)
    for user_id, role in (
        (SECRETARIAT, "secretariat"),
        (COMMISSION, "commission"),
        (PRESIDENCY, "presidency"),
        (PRESIDENCY_2, "presidency"),
    ):
        await app.add_staff(user_id, role, "fr", f"Staff {user_id}")
    staff, commission = app.user(SECRETARIAT), app.user(COMMISSION)
    president, president_2 = app.user(PRESIDENCY), app.user(PRESIDENCY_2)
    gate = Gate(
        monkeypatch, (storage.dossiers, "set_status"), (bot.services.emergencies, "set_status")
    )
    postgres = app.settings.database_url.startswith("postgresql")
    interleaved = 0
    for number in range(1, 7):  # each of the three moves twice
        status = ("reported", "acknowledged", "proposed")[number % 3]
        emergency_id = await emergency_copy(app, base_id, status, number)
        reference = f"FU-2026-{9000 + number}"
        async with app.sessions() as session:
            key = card_of("dossier", emergency_id)
            cards = set(
                await session.scalars(select(OutboxMessage.id).where(OutboxMessage.card == key))
            )
        previews = []  # each decision typed and previewed first: their "Send" races
        if status == "acknowledged":  # each picks the phase, types the amount and purpose
            typed = {staff: "50000 EUR abris pour les familles déplacées"}
            typed[commission] = "30000 EUR eau potable"
            for person, user_id in ((staff, SECRETARIAT), (commission, COMMISSION)):
                await person.press_data(private(user_id), f"e:{emergency_id}:prop")
                await person.press_data(private(user_id), f"e:{emergency_id}:ph_emergency")
                previews.append((await person.send(typed[person]))[-1])
        if status == "proposed":
            await president.press_data(private(PRESIDENCY), f"e:{emergency_id}:reject")
            previews.append((await president.send("Aucun fonds disponible."))[-1])
            approve = f"e:{emergency_id}:approve"
            previews.append((await president_2.press_data(private(PRESIDENCY_2), approve))[-1])
        since = await last_outbox_id(app)
        # "Send" on SQLite clears the conversation's state first (a write): the two take turns
        # there, and the second reads the new status.
        gate.next_round(enabled=postgres or status == "reported")
        interleaved += gate.enabled
        if status == "reported":
            first, second = await asyncio.gather(
                staff.press_data(private(SECRETARIAT), f"e:{emergency_id}:ack", expect=0),
                commission.press_data(private(COMMISSION), f"e:{emergency_id}:ack", expect=0),
            )
            answers = sorted([alert_answer(app, first), alert_answer(app, second)])
            assert answers == [gone(reference, "acknowledged"), "✅ Pris en compte."], answers
        elif status == "acknowledged":
            first, second = await asyncio.gather(
                staff.press(previews[0], SEND), commission.press(previews[1], SEND)
            )
            texts = sorted([first.texts[-1], second.texts[-1]])
            proposed = "✔ Votre proposition a été envoyée à la Présidence."
            assert texts == [gone(reference, "proposed"), proposed], texts
        else:
            first, second = await asyncio.gather(
                president.press(previews[0], SEND), president_2.press(previews[1], SEND)
            )

        (change,) = await history(app, emergency_id)
        now = change.to_status
        assert (await app.dossier(emergency_id)).status == now and change.from_status == status
        if status == "acknowledged":
            async with app.sessions() as session:
                proposals = await session.scalar(
                    select(func.count()).where(EmergencyProposal.dossier_id == emergency_id)
                )
            assert proposals == 1
        if status == "proposed":
            decided = "✔ Décision enregistrée ; la ville en est informée."
            won, lost = (first, second) if now == "rejected" else (second, first)
            assert won.texts[-1] == decided, won.texts
            assert lost.texts[0].startswith(gone(reference, now)), lost.texts
        written = await outbox_since(app, since)
        told = Counter(m.chat_id for m in written if m.chat_id > 0)
        assert told == {TOAMASINA: 1, TOAMASINA_2: 1}, told
        edited = Counter(m.edits for m in written if m.edits is not None)
        assert edited == dict.fromkeys(cards, 1), (edited, cards)
        new_cards = [m.chat_id for m in written if m.chat_id < 0 and m.edits is None]
        assert new_cards == ([PRESIDENCY_CHAT] if status == "acknowledged" else [])
    assert gate.met == interleaved

    # Two officials of the city pressing "🚨 Send now" on one report, then on one situation
    # report: each goes once (one reference, one alert; one report to the chats).
    city, city_2 = app.user(TOAMASINA), app.user(TOAMASINA_2)
    for number in (1, 2):
        draft = await copy_of(app, base_id, "draft", None)
        since = await last_outbox_id(app)
        gate.next_round()
        sent = await asyncio.gather(
            city.press_data(private(TOAMASINA), f"m:{draft}:em_send:"),
            city_2.press_data(private(TOAMASINA_2), f"m:{draft}:em_send:"),
        )
        reference = f"FU-2026-{number:04d}"
        received = f"🚨 Signalement reçu. Sa référence est {reference}."
        (lost,) = [reply for reply in sent if gone(reference, "reported") in reply.texts]
        won = sent[1] if lost is sent[0] else sent[0]
        assert any(text.startswith(received) for text in won.texts), won.texts
        assert len(await history(app, draft)) == 1
        written = await outbox_since(app, since)
        cards = sorted(m.chat_id for m in written if m.chat_id < 0)
        assert cards == sorted([SECRETARIAT_CHAT, COMMISSION_CHAT])  # the alert, once
        other = TOAMASINA if lost is sent[0] else TOAMASINA_2  # told "received"
        assert Counter(m.chat_id for m in written if m.chat_id > 0) == {other: 1}

        async with app.sessions() as session:
            report = Dossier(
                city_id=(await session.get(Dossier, draft)).city_id,
                created_by=TOAMASINA,
                form="sitrep",
                answers={"news": "L’eau monte encore dans les quartiers Nord."},
                parent_id=draft,
            )
            session.add(report)
            await session.commit()
        since = await last_outbox_id(app)
        gate.next_round()
        await asyncio.gather(
            city.press_data(private(TOAMASINA), f"m:{report.id}:em_send:"),
            city_2.press_data(private(TOAMASINA_2), f"m:{report.id}:em_send:"),
        )
        assert (await app.dossier(report.id)).status == "sent"
        written = await outbox_since(app, since)
        edited = Counter(m.edits for m in written if m.edits is not None)
        told = sorted(m.chat_id for m in written if m.edits is None)
        assert len(edited) == 2 and set(edited.values()) == {1}, edited
        assert told == sorted([SECRETARIAT_CHAT, COMMISSION_CHAT]), told
    assert gate.met == interleaved + 4

    # A decision from the status a preview showed: refused once the emergency has left it.
    async with app.sessions() as session:
        account = await session.get(Account, PRESIDENCY)
        emergencies = Emergencies(session, account, Role.PRESIDENCY, app_audience(app))
        proposed = await emergency_copy(app, base_id, "proposed", 99)
        with pytest.raises(StatusRefused) as refused:
            await emergencies.decide(proposed, "approve", None, expected="acknowledged")
        assert (refused.value.code, refused.value.details["label"]) == ("moved", "Aid proposed")
    assert await history(app, proposed) == []


async def test_two_officials_submitting_one_draft_at_once(
    app: InProcessBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two officials of Dakar press "📤 Yes, submit" on the same draft: one reference, one card;
    the second is told the dossier was just submitted, with its reference."""
    base_id = await complete_dossier(app, CITY)
    await second_official(app, DAKAR_2, of=CITY)
    await verified(app, CITY, DAKAR_2)
    city, city_2 = app.user(CITY), app.user(DAKAR_2)
    gate = Gate(monkeypatch, (storage.dossiers, "set_status"))
    for number in range(1, ROUNDS + 1):
        dossier_id = await copy_of(app, base_id, "draft", None)
        since = await last_outbox_id(app)
        gate.next_round()
        replies = await asyncio.gather(
            city.press_data(private(CITY), f"m:{dossier_id}:submit_ok:"),
            city_2.press_data(private(DAKAR_2), f"m:{dossier_id}:submit_ok:"),
        )
        reference = f"FC-2026-{number:04d}"  # one number a round: none given for nothing
        assert (await app.dossier(dossier_id)).reference == reference
        assert len(await history(app, dossier_id)) == 1
        texts = sorted(reply.texts[-1] for reply in replies)
        assert texts[0] == f"📤 Ce dossier vient d’être soumis. Sa référence est {reference}."
        assert texts[1].startswith(f"📤 Dossier soumis. Sa référence est {reference}."), texts
        written = await outbox_since(app, since)
        assert [m.chat_id for m in written] == [SECRETARIAT_CHAT]  # one card
        assert reference in written[0].text

    # "📤 Yes, submit" against "🗑 Yes, delete it": submitted, or deleted, never both.
    for _round in range(2):
        dossier_id = await copy_of(app, base_id, "draft", None)
        since = await last_outbox_id(app)
        gate.next_round()
        submitting, deleting = await asyncio.gather(
            city.press_data(private(CITY), f"m:{dossier_id}:submit_ok:"),
            city_2.press_data(private(DAKAR_2), f"m:{dossier_id}:delete_ok:"),
        )
        async with app.sessions() as session:
            dossier = await session.get(Dossier, dossier_id)
            given = await session.scalar(select(ReferenceCounter.last))
        written = await outbox_since(app, since)
        if dossier is None:  # deleted first: no reference, no card
            assert submitting.texts == ["Ce dossier ne vous est pas accessible."]
            assert deleting.texts[0] == "Le brouillon a été supprimé."
            assert given == number and written == []
        else:
            number += 1
            assert dossier.status == "submitted" and dossier.reference == f"FC-2026-{number:04d}"
            assert "Le brouillon a été supprimé." not in deleting.texts
            assert given == number and [m.chat_id for m in written] == [SECRETARIAT_CHAT]
    assert gate.met == ROUNDS + 2


async def test_two_officials_submitting_into_a_forum_at_once(
    forum: InProcessBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a forum chat the reference is given before the topic is made: two officials pressing
    together get one reference; when the reference was given earlier (a submission cut short),
    both make a topic, one submits and the other's topic is deleted. One topic, one card."""
    app = forum
    base_id = await complete_dossier(app, CITY)
    await second_official(app, DAKAR_2, of=CITY)
    await verified(app, CITY, DAKAR_2)
    city, city_2 = app.user(CITY), app.user(DAKAR_2)
    giving = Gate(monkeypatch, (storage.dossiers, "give_reference"))
    moving = Gate(monkeypatch, (storage.dossiers, "set_status"))
    given = 0
    for number in range(1, ROUNDS + 1):
        earlier = number % 2 == 0
        reference = f"FC-2026-{900 + number:04d}" if earlier else f"FC-2026-{given + 1:04d}"
        given += not earlier
        dossier_id = await copy_of(app, base_id, "draft", None)
        if earlier:
            async with app.sessions() as session:
                (await session.get(Dossier, dossier_id)).reference = reference
                await session.commit()
        giving.next_round(enabled=not earlier)
        moving.next_round(enabled=earlier)
        replies = await asyncio.gather(
            city.press_data(private(CITY), f"m:{dossier_id}:submit_ok:"),
            city_2.press_data(private(DAKAR_2), f"m:{dossier_id}:submit_ok:"),
        )
        texts = sorted(reply.texts[-1] for reply in replies)
        assert texts[0] == f"📤 Ce dossier vient d’être soumis. Sa référence est {reference}."
        assert texts[1].startswith(f"📤 Dossier soumis. Sa référence est {reference}."), texts
        dossier = await app.dossier(dossier_id)
        assert dossier.reference == reference and dossier.status == "submitted"
        (topic,) = [t for t in app.api.topics(SECRETARIAT_CHAT) if reference in t["name"]]
        assert dossier.topic_id == topic["message_thread_id"]
        async with app.sessions() as session:
            counter = await session.scalar(select(ReferenceCounter.last))
        cards = [m for m in await outbox_since(app, 0) if reference in m.text]
        assert counter == given and [m.chat_id for m in cards] == [SECRETARIAT_CHAT]
    assert giving.met == moving.met == ROUNDS // 2


async def test_two_admins_on_one_role_and_two_staff_on_one_session_at_once(
    app: InProcessBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two admins granting one person two roles at once; the last two admins revoking each
    other at once (one stays); two staff adding the same Bureau session at once."""
    first, second = 620, 621
    for admin_id in (first, second):
        await app.add_staff(admin_id, "admin", "fr", f"Admin {admin_id}")
    admins = {first: app.user(first), second: app.user(second)}
    for admin_id in admins:
        app.api.add_private(admin_id)
    roles = Gate(monkeypatch, (bot.services.team, "set_role"))

    async def press(admin_id: int, button: StaffButton) -> Any:
        confirmation = await with_buttons(app, admin_id)
        return await admins[admin_id].press_data(confirmation, button.pack(), expect=0)

    sessions = Gate(monkeypatch, (storage.review, "add_bureau_session"))
    for number in range(1, ROUNDS + 1):
        person = 700 + number
        async with app.sessions() as session:
            account = new_account(session, person, "Sophie")
            account.language, account.full_name = "fr", f"Sophie {number}"
            await session.commit()
        app.api.add_private(person)
        since = await last_outbox_id(app)
        roles.next_round()
        pressed = await asyncio.gather(
            press(first, StaffButton(action="grant_ok", person=person, role="secretariat")),
            press(second, StaffButton(action="grant_ok", person=person, role="commission")),
        )
        async with app.sessions() as session:
            now = (await session.get(Account, person)).role
        answers = sorted(alert_answer(app, reply) for reply in pressed)
        assert answers == ["", f"Ce n’est plus possible : Sophie {number} est maintenant « "
                               f"{FR[now]} »."], answers  # fmt: skip
        assert [m.chat_id for m in await outbox_since(app, since)] == [person]  # told once

        # The last two admins take each other's role: one of them stays admin.
        roles.next_round()
        revoked = await asyncio.gather(
            press(first, StaffButton(action="revoke_ok", person=second, role="admin")),
            press(second, StaffButton(action="revoke_ok", person=first, role="admin")),
        )
        async with app.sessions() as session:
            query = select(Account.telegram_id).where(Account.role == "admin")
            left = list(await session.scalars(query))
        assert len(left) == 1, left
        refused = sorted(alert_answer(app, reply) for reply in revoked)
        last = "C’est le dernier administrateur : donnez d’abord ce rôle à quelqu’un d’autre."
        assert refused == ["", last], refused
        (survivor,) = left
        newcomer = 640 + number
        await app.add_staff(newcomer, "admin", "fr", f"Admin {newcomer}")
        first, second = survivor, newcomer
        admins = {first: app.user(first), second: app.user(second)}
        app.api.add_private(second)

        sessions.next_round()
        day = f"2099-04-{number:02d}"
        added = await asyncio.gather(
            *(admins[a].send(f"/sessions add {day} 2099-03-01 Paris") for a in (first, second))
        )
        texts = [reply.texts[0] for reply in added]
        assert texts.count("Une session existe déjà à cette date.") == 1, texts
        async with app.sessions() as session:
            rows = await session.scalar(select(func.count()).select_from(BureauSession))
        assert rows == number
    assert roles.met == 2 * ROUNDS and sessions.met == ROUNDS
