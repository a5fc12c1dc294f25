"""The emergency's texts: the alert card for staff, and what the city is told."""

from aiogram import html
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.domain.countries import country_name
from bot.domain.dates import format_short
from bot.domain.emergency import EMERGENCY_STATUS_LABELS, PHASES, Emergency, EmergencyStatus
from bot.domain.emergency_form import COUNTS, EMERGENCY_FORM
from bot.screens.common import locale, money, shown_answer
from bot.telegram.callbacks import alert_data


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
    if record.answers.get("amount"):
        lines.append(_line("amount", emergency) or "")
    description = record.answers.get("description") or ""
    lines.append("\n" + html.quote(description))
    lines.append(
        "\n"
        + _("Sent by {name}.").format(name=html.quote(emergency.sender.name))
        + " "
        + _("Status: {status}").format(status=emergency_status_label(emergency.status))
    )
    if emergency.acknowledged_by:
        lines.append(
            _("Acknowledged by {name}.").format(name=html.quote(emergency.acknowledged_by))
        )
    if emergency.proposal is not None:
        lines.append(proposal_line(emergency))
    if emergency.decided_by:
        lines.append(decision_line(emergency))
    return "\n".join(lines)


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
    rows = []
    if emergency.status == EmergencyStatus.PROPOSED:
        rid = emergency.record.id
        rows = [
            [InlineKeyboardButton(text=_("🏅 Approve"), callback_data=alert_data(rid, "approve"))],
            [InlineKeyboardButton(text=_("✖ Reject"), callback_data=alert_data(rid, "reject"))],
        ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


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
    return _("🏅 Your emergency {reference}: the AIMF grants {amount} for {purpose}.").format(
        reference=reference,
        amount=html.quote(money(p.amount, p.currency)),
        purpose=html.quote(p.purpose),
    )


def alert_markup(emergency: Emergency) -> InlineKeyboardMarkup:
    rows = []
    if emergency.status == EmergencyStatus.REPORTED:
        rows.append(
            [
                InlineKeyboardButton(
                    text=_("✅ Acknowledge"), callback_data=alert_data(emergency.record.id, "ack")
                )
            ]
        )
    if emergency.status == EmergencyStatus.ACKNOWLEDGED:
        rows.append(
            [
                InlineKeyboardButton(
                    text=_("💶 Propose aid"), callback_data=alert_data(emergency.record.id, "prop")
                )
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(
                text=_("❓ Ask the city"), callback_data=alert_data(emergency.record.id, "ask")
            )
        ]
    )
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


def answer_markup(emergency_id: int) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(
        text=_("✉️ Answer"), callback_data=alert_data(emergency_id, "answer")
    )
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def answer_to_staff(reference: str, city: str, name: str, text: str) -> str:
    return (
        "<b>"
        + _("✉️ {city} answers about {reference} ({name}):").format(
            city=html.quote(city), reference=reference, name=html.quote(name)
        )
        + "</b>\n\n"
        + html.quote(text)
    )


def emergencies_screen(emergencies: list[Emergency]) -> str:
    """/emergencies: those not closed, the latest first."""
    if not emergencies:
        return _("No emergency is open.")
    lines = ["<b>" + _("🚨 Open emergencies") + "</b>"]
    event = EMERGENCY_FORM.questions["event"]
    for emergency in emergencies:
        record = emergency.record
        kind = shown_answer(event, record.answers.get("event"))
        since = format_short(record.submitted_at.date(), locale()) if record.submitted_at else ""
        lines.append(
            f"{record.reference} · {html.quote(emergency.city)} · {kind} · "
            f"{emergency_status_label(record.status)} · {since}"
        )
    return "\n".join(lines)
