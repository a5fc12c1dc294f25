"""Decisions staff see before they go (issue 14 §4).

- What a pending decision holds (`Draft`): kept in the conversation state between the typed note
  or amount and "📤 Send", so nothing is recorded or told before, and a restart loses nothing.
- The checks on an amount granted or proposed (`granted_concerns`, `emergency_concerns`): some
  refuse it, some ask for a second confirmation.
- What the city will read once it is taken (`foreseen_case`, `foreseen_emergency`): the same
  values the notices are drawn from after the move, so the preview is the notice.
- Until when a recorded decision may be corrected (`correction_window`): until the next Bureau
  session is held.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.domain.emergency import Emergency, EmergencyStatus, Proposal
from bot.domain.review import Case, HistoryEntry
from bot.domain.rules import Financing, FundingRules
from bot.domain.sessions import BureauSession
from bot.domain.workflow import DECIDED, Status, Transition, is_correction

# Kinds of pending decisions (what "Send" applies).
DOSSIER = "dossier"  # a move of a dossier's status (the Secretariat)
EMERGENCY = "emergency"  # a proposal, the Presidency's decision, closing
BUDGET = "budget"  # a Bureau session's budget (only its amount may need a choice)
# What a pending decision's buttons wait for.
WHICH = "which"  # which reading of an ambiguous amount
CONFIRM = "confirm"  # a second confirmation of an amount that looks wrong
PREVIEW = "preview"  # "📤 Send"


@dataclass(frozen=True)
class AmountConcern:
    """Why an amount looks wrong: `blocking` ones refuse it, the others ask to confirm it."""

    code: str  # above_share, tenfold, above_asked, under_tenth
    blocking: bool
    asked: Decimal | None = None  # what the city asked
    maximum: Decimal | None = None  # the Fund's share of the total cost


def granted_concerns(granted: Decimal, plan: Financing, rules: FundingRules) -> list[AmountConcern]:
    """An amount the Bureau granted, against the dossier: above the Fund's share of the total
    cost, or ten times the amount asked or more, is refused (the rule of the Fund, and a slip of
    zeros); above the amount asked, or under a tenth of it, asks for a second confirmation."""
    concerns = []
    if plan.total > 0 and granted > plan.total * rules.fund_max_share:
        maximum = plan.total * rules.fund_max_share
        concerns.append(AmountConcern("above_share", True, plan.fund, maximum))
    asked = plan.fund
    if asked > 0:
        if granted >= asked * 10:
            concerns.append(AmountConcern("tenfold", True, asked))
        elif granted > asked:
            concerns.append(AmountConcern("above_asked", False, asked))
        if granted * 10 < asked:
            concerns.append(AmountConcern("under_tenth", False, asked))
    return concerns


def emergency_concerns(
    amount: Decimal, currency: str, asked: Decimal | None, asked_currency: str | None
) -> list[AmountConcern]:
    """An amount of emergency aid (proposed, or another amount approved), against what the city
    asked when it asked in the same currency: above it, ten times it or under a tenth of it asks
    for a second confirmation (the city's figure is an estimate sent in a hurry: none refuses)."""
    if asked is None or asked <= 0 or asked_currency != currency:
        return []
    concerns = []
    if amount >= asked * 10:
        concerns.append(AmountConcern("tenfold", False, asked))
    elif amount > asked:
        concerns.append(AmountConcern("above_asked", False, asked))
    if amount * 10 < asked:
        concerns.append(AmountConcern("under_tenth", False, asked))
    return concerns


def plain_amount(value: Decimal) -> Decimal:
    """`700.000` as `700`, `12.50` as `12.5`: what is stored and compared (never an exponent)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


@dataclass(frozen=True)
class Draft:
    """A decision being prepared, kept in the conversation state until "📤 Send" (its screens'
    buttons name its `token`: those of an older one do nothing)."""

    kind: str  # DOSSIER, EMERGENCY or BUDGET
    target: int  # the dossier, the emergency, or the Bureau session
    key: str  # the move (`reject`, `fix_approve`, `propose`, `other`, `close`…)
    expected: str = ""  # the status the move is taken from, as the preview showed it
    note: str | None = None  # the note, the reason, or a proposal's purpose
    amount: Decimal | None = None
    currency: str | None = None
    phase: str | None = None  # an emergency proposal's phase
    choices: tuple[Decimal, ...] = ()  # an ambiguous amount's readings, waiting for a choice
    typed: str = ""  # the amount as typed (shown when asking which reading is meant)
    confirmed: bool = False  # the amount's concerns were confirmed
    stage: str = ""  # what its buttons wait for: WHICH reading, CONFIRM the amount, PREVIEW
    token: str = ""

    def to_data(self) -> dict[str, Any]:
        """For the conversation state (JSON): amounts as strings."""
        return {
            "kind": self.kind,
            "target": self.target,
            "key": self.key,
            "expected": self.expected,
            "note": self.note,
            "amount": None if self.amount is None else str(self.amount),
            "currency": self.currency,
            "phase": self.phase,
            "choices": [str(c) for c in self.choices],
            "typed": self.typed,
            "confirmed": self.confirmed,
            "stage": self.stage,
            "token": self.token,
        }

    @classmethod
    def from_data(cls, data: Any) -> "Draft | None":
        """The draft kept in the state, or None if there is none or it is not one."""
        if not isinstance(data, dict):
            return None
        try:
            amount = data.get("amount")
            return cls(
                kind=str(data["kind"]),
                target=int(data["target"]),
                key=str(data["key"]),
                expected=str(data.get("expected") or ""),
                note=data.get("note"),
                amount=None if amount is None else Decimal(amount),
                currency=data.get("currency"),
                phase=data.get("phase"),
                choices=tuple(Decimal(c) for c in data.get("choices") or ()),
                typed=str(data.get("typed") or ""),
                confirmed=bool(data.get("confirmed")),
                stage=str(data.get("stage") or ""),
                token=str(data.get("token") or ""),
            )
        except (KeyError, TypeError, ValueError, InvalidOperation):
            return None


def granted_after(transition: Transition, amount: Decimal | None, current: Decimal | None):
    """The amount granted once `transition` is taken: the one given when it approves; none
    once a correction takes the approval back; unchanged otherwise."""
    if transition.target == Status.APPROVED:
        return amount
    return None if transition.correction else current


def foreseen_case(case: Case, transition: Transition, draft: Draft, by: str, at: datetime) -> Case:
    """The dossier as it will be once the move is taken: what the city's notice is drawn from."""
    entry = HistoryEntry(
        at, case.record.status, transition.target, by, draft.note, draft.amount, None
    )
    return replace(
        case,
        record=replace(case.record, status=transition.target),
        history=[*case.history, entry],
        granted=granted_after(transition, draft.amount, case.granted),
    )


def foreseen_emergency(emergency: Emergency, draft: Draft, by: str) -> Emergency | None:
    """The emergency as it will be once the move is taken (None: not a move that tells)."""
    record = emergency.record
    if draft.key == "propose" and draft.amount is not None and draft.currency:
        proposal = Proposal(draft.amount, draft.currency, draft.phase or "", draft.note or "", by)
        status = EmergencyStatus.PROPOSED
        return replace(emergency, record=replace(record, status=status), proposal=proposal)
    if draft.key in ("approve", "other"):
        granted = emergency.granted
        if draft.key == "approve" and emergency.proposal is not None:
            granted = (emergency.proposal.amount, emergency.proposal.currency)
        if draft.key == "other" and draft.amount is not None and draft.currency:
            granted = (draft.amount, draft.currency)
        return replace(
            emergency,
            record=replace(record, status=EmergencyStatus.APPROVED),
            decided_by=by,
            decision_note=None,
            granted=granted,
        )
    if draft.key == "reject":
        return replace(
            emergency,
            record=replace(record, status=EmergencyStatus.REJECTED),
            decided_by=by,
            decision_note=draft.note,
        )
    if draft.key == "close":
        return replace(
            emergency,
            record=replace(record, status=EmergencyStatus.CLOSED),
            closed_by=by,
            closed_note=draft.note,
        )
    return None


@dataclass(frozen=True)
class CorrectionWindow:
    """A recorded decision that may still be corrected: taken from `origin` on `decided_on`,
    until the next Bureau session is held (`until`; None: no later session is known yet)."""

    origin: str
    decided_on: date
    until: date | None


def last_decision(history: Sequence[HistoryEntry]) -> HistoryEntry | None:
    """The decision a correction corrects: the last change that was not itself a correction."""
    return next((e for e in reversed(history) if not is_correction(e.source, e.target)), None)


def correction_window(
    case: Case, sessions: Sequence[BureauSession], today: date
) -> CorrectionWindow | None:
    """Whether the dossier's decision may be corrected today, and until when: a decision
    (approved, rejected, deferred) belongs to its Bureau session (the Secretariat's own
    rejection, to the day it was made), and may be corrected until the next session is held."""
    if case.record.status not in DECIDED:
        return None
    decision = last_decision(case.history)
    if decision is None or decision.target not in DECIDED:
        return None
    decided_on = decision.at.date()
    reference = decided_on
    if decision.source == Status.SCHEDULED and case.session is not None:
        reference = max(reference, case.session.held_on)
    later = sorted(s.held_on for s in sessions if s.held_on > reference)
    until = later[0] if later else None
    if until is not None and today >= until:
        return None
    return CorrectionWindow(decision.source, decided_on, until)
