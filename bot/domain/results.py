"""The results framework with numbers (DOMAIN.md §1 D, §4): each indicator's baseline and target
(numbers with a unit), what a report says was reached, and that as a share of the target.

Shares are exact: the ratio is computed as a fraction and rounded once, half to even, to the
places shown (a percentage with one decimal), never through a float or a rounded intermediate.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any

from bot.domain.forms import AnswerRole
from bot.domain.fund_form import FUND_FORM

PERCENT_PLACES = Decimal("0.1")


@dataclass(frozen=True)
class IndicatorPlan:
    """One indicator of a project's results framework, as its reports are asked against it."""

    id: str
    level: str
    result: str
    name: str
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    counts_people: bool = False
    women: int | None = None  # targets by sex, for an indicator that counts people
    men: int | None = None
    written_baseline: str = ""  # version 1 of the form asked them as text: kept as written
    written_target: str = ""

    @property
    def has_numbers(self) -> bool:
        return self.baseline is not None and self.target is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "level": self.level,
            "result": self.result,
            "name": self.name,
            "unit": self.unit,
            "baseline": None if self.baseline is None else str(self.baseline),
            "target": None if self.target is None else str(self.target),
            "counts_people": self.counts_people,
            "women": self.women,
            "men": self.men,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "IndicatorPlan":
        return cls(
            id=str(data["id"]),
            level=str(data.get("level") or ""),
            result=str(data.get("result") or ""),
            name=str(data.get("name") or ""),
            unit=str(data.get("unit") or ""),
            baseline=_number(data.get("baseline")),
            target=_number(data.get("target")),
            counts_people=bool(data.get("counts_people")),
            women=data.get("women") if isinstance(data.get("women"), int) else None,
            men=data.get("men") if isinstance(data.get("men"), int) else None,
        )


def _number(value: Any) -> Decimal | None:
    if value in (None, "") or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def indicators_of(answers: Mapping[str, Any]) -> list[IndicatorPlan]:
    """The dossier's indicators with their numbers (those saved under version 1 of the form have
    none until the Secretariat types them: `with_numbers`)."""
    plans = []
    for item in FUND_FORM.read(answers).entries(AnswerRole.INDICATORS):
        counts = item.get("counts_people") is True
        plans.append(
            IndicatorPlan(
                id=str(item.get("id") or ""),
                level=str(item.get("level") or ""),
                result=str(item.get("result") or ""),
                name=str(item.get("indicator") or ""),
                unit=str(item.get("unit") or ""),
                baseline=_number(item.get("baseline_value")),
                target=_number(item.get("target_value")),
                counts_people=counts,
                women=item.get("women") if counts and isinstance(item.get("women"), int) else None,
                men=item.get("men") if counts and isinstance(item.get("men"), int) else None,
                written_baseline=str(item.get("baseline") or ""),
                written_target=str(item.get("target") or ""),
            )
        )
    return plans


def with_numbers(
    plans: Sequence[IndicatorPlan],
    indicator_id: str,
    baseline: Decimal,
    target: Decimal,
    unit: str,
) -> list[IndicatorPlan]:
    """The Secretariat types an indicator's numbers (a dossier submitted under version 1 of the
    form) while the convention is prepared."""
    if baseline < 0 or target < 0:
        raise ValueError("numbers of an indicator are not negative")
    found = False
    changed = []
    for plan in plans:
        if plan.id == indicator_id:
            found = True
            plan = IndicatorPlan(
                **{
                    **plan.__dict__,
                    "baseline": baseline,
                    "target": target,
                    "unit": unit.strip() or plan.unit,
                }
            )
        changed.append(plan)
    if not found:
        raise KeyError(indicator_id)
    return changed


def missing_numbers(plans: Sequence[IndicatorPlan]) -> list[IndicatorPlan]:
    """Indicators the convention cannot state a target for yet."""
    return [p for p in plans if not p.has_numbers]


def _rounded(ratio: Fraction, places: Decimal) -> Decimal:
    """`ratio` rounded once, half to even, to `places` (exact: no intermediate rounding)."""
    scale = 1 / Fraction(places)
    scaled = ratio * scale
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    twice = 2 * rest
    if twice > scaled.denominator or (twice == scaled.denominator and whole % 2 == 1):
        whole += 1
    return (Decimal(whole) * places).quantize(places, rounding=ROUND_HALF_EVEN)


def percent_of_target(reached: Decimal, target: Decimal) -> Decimal | None:
    """What was reached as a percentage of the target, one decimal, exact (`None` for a target
    of zero): 900 of 1 200 is 75.0; 1 of 3 is 33.3; 2 of 3 is 66.7."""
    if target == 0:
        return None
    return _rounded(Fraction(reached) * 100 / Fraction(target), PERCENT_PLACES)


def percent_of_change(baseline: Decimal, target: Decimal, reached: Decimal) -> Decimal | None:
    """How far from the baseline towards the target, as a percentage (`None` when the target is
    the baseline): from 300 to 1 200, reaching 750 is 50.0."""
    if target == baseline:
        return None
    ratio = (Fraction(reached) - Fraction(baseline)) * 100 / (Fraction(target) - Fraction(baseline))
    return _rounded(ratio, PERCENT_PLACES)


def sexes_add_up(reached: Decimal | int | None, women: int | None, men: int | None) -> bool:
    """For an indicator that counts people: women and men add up to the value reached (true
    while any of them is not given yet)."""
    if reached is None or women is None or men is None:
        return True
    return Decimal(women) + Decimal(men) == Decimal(str(reached))
