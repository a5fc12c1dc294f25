"""The financing picture marks a rule ⏳ until its amount is given, then ❌ or ✅."""

import pytest
from aiogram.utils.i18n import I18n

from bot.domain.rules import FundingRules
from bot.screens.financing import coach
from bot.telegram.i18n import build_i18n

BUDGET = [{"id": "b1", "label": "Lamps", "category": "equipment", "amount": "1000000"}]
RULES = FundingRules()  # the Fund pays at most 80 %, the city brings at least 20 %


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return build_i18n("en")


def picture(i18n: I18n, **answers: object) -> dict[str, str]:
    with i18n.context(), i18n.use_locale("en"):
        text = coach({"currency": "EUR", "budget_lines": BUDGET, **answers}, RULES)
    lines = text.splitlines()
    return {
        "fund": next(line for line in lines if line.startswith("Fund:")),
        "city": next(line for line in lines if line.startswith("City:")),
        "text": text,
    }


def test_nothing_given_is_pending(i18n: I18n) -> None:
    shown = picture(i18n)
    assert shown["fund"].endswith(" ⏳") and shown["city"].endswith(" ⏳")
    assert "✅ (" not in shown["text"] and "❌" not in shown["text"]
    assert "⚠️" not in shown["text"]


def test_fund_given_only(i18n: I18n) -> None:
    shown = picture(i18n, fund_amount="800000")
    assert shown["fund"].endswith(" ✅")
    assert shown["city"].endswith(" ⏳"), "the city's 0 % is not a rule met"
    assert "⚠️" not in shown["text"]


def test_fund_over_its_share_before_the_city_amount(i18n: I18n) -> None:
    shown = picture(i18n, fund_amount="900000")
    assert shown["fund"].endswith(" ❌") and shown["city"].endswith(" ⏳")
    assert "⚠️ 80% of €1,000,000 is €800,000" in shown["text"]


def test_both_given_and_failing(i18n: I18n) -> None:
    shown = picture(i18n, fund_amount="900000", city_amount="100000")
    assert shown["fund"].endswith(" ❌") and shown["city"].endswith(" ❌")
    assert "⚠️ 80% of €1,000,000 is €800,000" in shown["text"]
    assert "⚠️ 20% of €1,000,000 is €200,000" in shown["text"]


def test_both_given_and_holding(i18n: I18n) -> None:
    shown = picture(i18n, fund_amount="800000", city_amount="200000")
    assert shown["fund"].endswith(" ✅") and shown["city"].endswith(" ✅")
    assert "⚠️" not in shown["text"]
    assert "Balance: the sources equal the total cost ✅" in shown["text"]


def test_no_budget_yet_is_pending(i18n: I18n) -> None:
    with i18n.context(), i18n.use_locale("en"):
        text = coach({"currency": "EUR", "fund_amount": "800000", "city_amount": "0"}, RULES)
    assert " ✅" not in text.split("Partners:")[0]
