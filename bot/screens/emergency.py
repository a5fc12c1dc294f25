"""The emergency's texts: the alert card for staff, and what the city is told."""

from datetime import datetime, timedelta
from typing import Any

from aiogram import html
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from babel.dates import format_datetime, format_timedelta

from bot.domain.countries import country_name
from bot.domain.dates import format_short
from bot.domain.emergency import (
    DECIDED,
    EMERGENCY_STATUS_LABELS,
    OPEN,
    PHASES,
    Emergency,
    EmergencyStatus,
    Event,
    EventKind,
    emergency_moves,
    figure_changes,
    time_to,
)
from bot.domain.emergency_form import COUNTS, EMERGENCY_FORM
from bot.domain.forms import AnswerRole
from bot.domain.locales import babel_locale
from bot.domain.machine import Move
from bot.domain.numbers import format_number
from bot.domain.profile_form import PROFILE_FORM
from bot.domain.project import report_editable
from bot.domain.records import Record
from bot.domain.roles import Role
from bot.domain.sitrep_form import SITREP_FORM
from bot.screens.base import Screen
from bot.screens.common import locale, money, shown_answer, split_messages
from bot.screens.grant_words import report_status
from bot.telegram.callbacks import alert_data, menu_data


def emergency_status_label(status: str) -> str:
    label = EMERGENCY_STATUS_LABELS.get(status)  # type: ignore[call-overload]
    return _(label) if label else status


def _line(key: str, emergency: Emergency) -> str | None:
    question = EMERGENCY_FORM.questions[key]
    answers = emergency.record.answers
    value = answers.get(key)
    if key in COUNTS:
        shown = shown_answer(question, value) if isinstance(value, int) else _("unknown")
    elif value in (None, "", []):
        return None
    else:
        shown = shown_answer(question, value, emergency.record.currency)
    return _("{label}: {value}").format(label=html.quote(_(question.label)), value=shown)


def alert_text(emergency: Emergency) -> str:
    """The alert card: city, country, event, when, where, figures, services, needs, amount."""
    record = emergency.record
    country = country_name(emergency.country, locale()) if emergency.country else ""
    heading = _("🚨 Emergency {reference}: {city} ({country})").format(
        reference=record.reference or "",
        city=html.quote(emergency.city),
        country=html.quote(country),
    )
    lines = ["<b>" + heading + "</b>"]
    keys = ("event", "started", "place", "location", *COUNTS, "services", "needs", "needs_other")
    lines += [line for key in keys if (line := _line(key, emergency)) is not None]
    said = record.read()
    if said.value(AnswerRole.ASKED):
        lines.append(_line(record.form.key_of(AnswerRole.ASKED), emergency) or "")
    lines.append("\n" + html.quote(said.text(AnswerRole.DESCRIPTION)))
    lines.append(
        "\n"
        + _("Sent by {name}.").format(name=html.quote(emergency.sender.name))
        + " "
        + _("Status: {status}").format(status=emergency_status_label(emergency.status))
    )
    if emergency.unverified:
        lines.append(unverified_line(emergency))
    if emergency.escalations:
        lines.append(
            _("⏰ Escalated to the Presidency ({count}×): nobody acknowledged in time.").format(
                count=emergency.escalations
            )
        )
    if emergency.acknowledged_by:
        lines.append(
            _("Acknowledged by {name}.").format(name=html.quote(emergency.acknowledged_by))
        )
    if emergency.sitreps:
        lines.append(_("📊 Situation reports: {count}").format(count=emergency.sitreps))
    if emergency.proposal is not None:
        lines.append(proposal_line(emergency))
    if emergency.decided_by:
        lines.append(decision_line(emergency))
    if emergency.closed_by:
        lines.append(
            _("🔒 Closed by {name}: {note}").format(
                name=html.quote(emergency.closed_by), note=html.quote(emergency.closed_note or "")
            )
        )
    return "\n".join(lines)


def unverified_line(emergency: Emergency) -> str:
    if not emergency.sender_registered:
        phone = PROFILE_FORM.read(emergency.sender.profile).text(AnswerRole.PHONE)
        return "⚠️ " + _(
            "Unverified: the sender gave only a city, a name and a phone ({phone})."
        ).format(phone=html.quote(phone))
    return "⚠️ " + _("Unverified: the Secretariat has not verified the sender's registration.")


def phase_label(phase: str) -> str:
    label = next((c.label for c in PHASES if c.value == phase), None)
    return _(label) if label else phase


def proposal_line(emergency: Emergency) -> str:
    p = emergency.proposal
    assert p is not None
    return _("💶 Proposed by {name}: {amount} ({phase}) for {purpose}").format(
        name=html.quote(p.by),
        amount=html.quote(money(p.amount, p.currency)),
        phase=phase_label(p.phase),
        purpose=html.quote(p.purpose),
    )


def decision_line(emergency: Emergency) -> str:
    name = html.quote(emergency.decided_by or "")
    if emergency.status == EmergencyStatus.REJECTED:
        return _("✖ Rejected by {name}: {reason}").format(
            name=name, reason=html.quote(emergency.decision_note or "")
        )
    if emergency.granted is not None:
        amount, currency = emergency.granted
        return _("🏅 Approved by {name}: {amount}.").format(
            name=name, amount=html.quote(money(amount, currency))
        )
    return _("🏅 Approved by {name}.").format(name=name)


def phase_markup(emergency_id: int) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                text=_(c.label), callback_data=alert_data(emergency_id, f"ph_{c.value}")
            )
        ]
        for c in PHASES
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def presidency_text(emergency: Emergency) -> str:
    return (
        "<b>"
        + _("🏛 Emergency aid to decide: {reference}").format(
            reference=emergency.record.reference or ""
        )
        + "</b>\n\n"
        + alert_text(emergency)
    )


def presidency_markup(emergency: Emergency) -> InlineKeyboardMarkup:
    """The Presidency's moves of the table (bot/domain/emergency.py), and its question."""
    moves = emergency_moves(emergency.status, Role.PRESIDENCY, False)
    return _moves_markup(emergency, moves, _("❓ Ask for information"))


def city_proposed(emergency: Emergency) -> str:
    return _(
        "💶 Aid has been proposed for your emergency {reference}; the AIMF Presidency decides."
    ).format(reference=emergency.record.reference or "")


def city_decided(emergency: Emergency) -> str:
    reference = emergency.record.reference or ""
    if emergency.status == EmergencyStatus.REJECTED:
        return _("Your emergency {reference}: no aid was granted. Reason: {reason}").format(
            reference=reference, reason=html.quote(emergency.decision_note or "")
        )
    p = emergency.proposal
    assert p is not None
    amount, currency = emergency.granted or (p.amount, p.currency)
    return _("🏅 Your emergency {reference}: the AIMF grants {amount} for {purpose}.").format(
        reference=reference,
        amount=html.quote(money(amount, currency)),
        purpose=html.quote(p.purpose),
    )


def city_closed(emergency: Emergency) -> str:
    return _("🔒 Your emergency {reference} is closed: {note}").format(
        reference=emergency.record.reference or "",
        note=html.quote(emergency.closed_note or ""),
    )


def alert_markup(emergency: Emergency) -> InlineKeyboardMarkup:
    """The staff's moves of the table (bot/domain/emergency.py), and their question to the city
    (before "Close")."""
    moves = emergency_moves(emergency.status, Role.SECRETARIAT, False)
    return _moves_markup(emergency, moves, _("❓ Ask the city"))


def _moves_markup(emergency: Emergency, moves: list[Move], ask: str) -> InlineKeyboardMarkup:
    """A card's buttons: one per move, in the table's order; "Ask" (not a move: the status
    stays) while the emergency is open, before closing it."""
    rid = emergency.record.id
    keys = [m.key for m in moves]
    rows = [[InlineKeyboardButton(text=_(m.label), callback_data=alert_data(rid, m.key))]
            for m in moves]  # fmt: skip
    if emergency.status in OPEN:
        at = keys.index("close") if "close" in keys else len(rows)
        rows.insert(at, [InlineKeyboardButton(text=ask, callback_data=alert_data(rid, "ask"))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def received_text(reference: str) -> str:
    return "\n\n".join(
        [
            "<b>"
            + _("🚨 Report received. Its reference is {reference}.").format(reference=reference)
            + "</b>",
            _(
                "The Permanent Secretariat and the Humanitarian Aid commission are alerted now. "
                "You will be told here of every step."
            ),
        ]
    )


def acknowledged_text(reference: str, name: str) -> str:
    return _("✅ Your emergency report {reference} was acknowledged by {name}.").format(
        reference=reference, name=html.quote(name)
    )


def question_to_city(reference: str, text: str) -> str:
    return (
        "<b>"
        + _("❓ Question about your emergency report {reference}:").format(reference=reference)
        + "</b>\n\n"
        + html.quote(text)
    )


def presidency_asks(reference: str, name: str, text: str) -> str:
    return (
        "<b>"
        + _("🏛 The Presidency ({name}) asks the city about {reference}:").format(
            name=html.quote(name), reference=reference
        )
        + "</b>\n\n"
        + html.quote(text)
    )


def answer_markup(emergency_id: int) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(
        text=_("✉️ Answer"), callback_data=alert_data(emergency_id, "answer")
    )
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def answer_to_staff(
    reference: str, city: str, name: str, text: str, unverified: bool = False
) -> str:
    """The city's answer, in the alert chats; from an account the Secretariat has not verified,
    it says so."""
    flag = (
        "\n⚠️ " + _("Sent by an account the Secretariat has not verified yet.") if unverified else ""
    )
    return (
        "<b>"
        + _("✉️ {city} answers about {reference} ({name}):").format(
            city=html.quote(city), reference=reference, name=html.quote(name)
        )
        + "</b>"
        + flag
        + "\n\n"
        + html.quote(text)
    )


def escalation_heading(waited: timedelta, round_: int, rounds: int) -> str:
    """Above an alert nobody acknowledged in time (in the staff chats, to the Presidency)."""
    return (
        "<b>"
        + _("⏰ Not acknowledged after {waited} (escalation {round} of {rounds})").format(
            waited=duration(waited), round=round_, rounds=rounds
        )
        + "</b>"
    )


def duration(value: timedelta) -> str:
    return format_timedelta(value, threshold=1.5, locale=babel_locale(locale()), format="short")


def moment(value: datetime) -> str:
    """A moment of the timeline (UTC), short, in the reader's language."""
    return format_datetime(value, "dd/MM HH:mm", tzinfo=None, locale=babel_locale(locale()))


EVENT_LABELS = {
    EventKind.REPORTED: lambda: _("Reported"),
    EventKind.ACKNOWLEDGED: lambda: _("Acknowledged"),
    EventKind.ESCALATED: lambda: _("Escalated to the Presidency"),
    EventKind.PROPOSED: lambda: _("Aid proposed"),
    EventKind.APPROVED: lambda: _("Aid approved"),
    EventKind.REJECTED: lambda: _("Rejected"),
    EventKind.CLOSED: lambda: _("Closed"),
    EventKind.QUESTION: lambda: _("Question to the city"),
    EventKind.ANSWER: lambda: _("The city's answer"),
    EventKind.SITREP: lambda: _("Situation report"),
}


def event_line(event: Event) -> str:
    parts = [moment(event.at), EVENT_LABELS[event.kind]()]
    if event.by:
        parts.append(html.quote(event.by))
    detail = event.detail
    if event.kind == EventKind.ESCALATED:
        detail = _("round {round}").format(round=detail)
    elif event.kind == EventKind.SITREP:
        detail = _("n° {number}").format(number=detail)
    elif event.kind == EventKind.APPROVED and detail:
        amount, _sep, currency = detail.partition(" ")
        detail = money(amount, currency or None)
    if detail:
        short = detail if len(detail) <= 120 else detail[:119] + "…"
        parts.append(html.quote(short))
    return " · ".join(parts)


def timings_line(emergency: Emergency) -> str:
    unknown = _("not yet")
    ack = time_to(emergency.events, (EventKind.ACKNOWLEDGED,))
    decision = time_to(emergency.events, DECIDED)
    return _("⏱ To acknowledgement: {ack}; to decision: {decision}").format(
        ack=duration(ack) if ack is not None else unknown,
        decision=duration(decision) if decision is not None else unknown,
    )


def emergencies_screen(emergencies: list[Emergency]) -> list[Screen]:
    """/emergencies: the open ones first, then the latest, each with its timeline and how long
    acknowledgement and decision took."""
    if not emergencies:
        return [Screen(_("No emergency has been reported."))]
    blocks = ["<b>" + _("🚨 Emergencies") + "</b>"]
    event = EMERGENCY_FORM.question_of(AnswerRole.EVENT)
    for emergency in emergencies:
        record = emergency.record
        kind = shown_answer(event, record.read().value(AnswerRole.EVENT))
        since = format_short(record.submitted_at.date(), locale()) if record.submitted_at else ""
        lines = [
            f"<b>{record.reference}</b> · {html.quote(emergency.city)} · {kind} · "
            f"{emergency_status_label(record.status)} · {since}",
            timings_line(emergency),
        ]
        lines += [event_line(e) for e in emergency.events]
        blocks.append("\n".join(lines))
    return [Screen(text) for text in split_messages(blocks)]


def _figure(key: str, before: int | None, after: int) -> str:
    label = _(EMERGENCY_FORM.questions[key].label)
    loc = locale()
    now = format_number(after, loc)
    if before is None:
        return _("{label}: {now} (was unknown)").format(label=html.quote(label), now=now)
    change = after - before
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    return _("{label}: {before} → {now} ({change})").format(
        label=html.quote(label),
        before=format_number(before, loc),
        now=now,
        change=sign + format_number(abs(change), loc),
    )


def sitrep_text(emergency: Emergency, report: Record, known: dict[str, Any], by: str) -> str:
    """A situation report for the staff chats: each figure with its change since the last one
    known, then services, needs and what changed."""
    answers = report.answers
    lines = [
        "<b>"
        + _("📊 Situation report n° {number} on {reference} · {city}").format(
            number=emergency.sitreps,
            reference=emergency.record.reference or "",
            city=html.quote(emergency.city),
        )
        + "</b>"
    ]
    if news := report.read().text(AnswerRole.NEWS):
        lines.append(html.quote(news))
    lines += [_figure(key, old, new) for key, old, new in figure_changes(known, answers, COUNTS)]
    for key in ("services", "needs", "needs_other"):
        value = answers.get(key)
        if value not in (None, "", []):
            question = SITREP_FORM.questions[key]
            lines.append(
                _("{label}: {value}").format(
                    label=html.quote(_(question.label)), value=shown_answer(question, value)
                )
            )
    lines.append(_("Sent by {name}.").format(name=html.quote(by)))
    return "\n".join(lines)


def merged_text(reference: str, number: int) -> str:
    """To an unverified sender whose new report was added to the emergency already open."""
    return _(
        "📊 Your report was added to {reference}, already open, as situation report n° {number}: "
        "the Secretariat and the commission have it. Until the Secretariat verifies your "
        "account, you have one emergency open at a time; send news of it with the button below."
    ).format(reference=reference, number=number)


def merged_note(name: str) -> str:
    """For the staff chats: the situation report came as a new report from an unverified sender."""
    return "🔁 " + _(
        "{name} (not verified) sent a new report; it is added to this emergency instead of a "
        "new alert."
    ).format(name=html.quote(name))


def sitrep_request_text(emergency: Emergency) -> str:
    return _(
        "📊 Your emergency {reference} is still open. How is the situation now? Send a short "
        "situation report: new figures, photos, needs."
    ).format(reference=emergency.record.reference or "")


def sitrep_markup(emergency_id: int) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(
        text=_("📊 Send a situation report"), callback_data=alert_data(emergency_id, "sitrep")
    )
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def sitrep_sent_text(reference: str) -> str:
    return _(
        "✔ Your situation report on {reference} was sent to the Secretariat and the commission."
    ).format(reference=reference)


def city_emergency_screen(emergency: Emergency) -> Screen:
    """What the city sees of its sent emergency: where it stands, its timeline, and the way to
    send a situation report while it is open."""
    record = emergency.record
    lines = [
        "<b>" + _("🚨 Emergency {reference}").format(reference=record.reference or "") + "</b>",
        _("Status: {status}").format(status=emergency_status_label(record.status)),
    ]
    if emergency.decided_by:
        lines.append(decision_line(emergency))
    lines += [event_line(e) for e in emergency.events]
    rows = sitrep_markup(record.id).inline_keyboard if record.status in OPEN else []
    if emergency.aid_report is not None:  # the report on the aid's use: where it stands
        report_id, status = emergency.aid_report
        lines.append(
            _("📝 {report}: {status}").format(
                report=_("Report on the use of the emergency aid"), status=report_status(status)
            )
        )
        if report_editable(status):
            button = InlineKeyboardButton(
                text=_("✍️ Fill in the report"), callback_data=menu_data(report_id, "resume")
            )
            rows = [[button], *rows]
    text = "\n".join(lines)
    markup = InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
    return Screen(split_messages([text])[0], markup)
