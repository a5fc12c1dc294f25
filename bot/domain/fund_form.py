"""The Cooperation Fund dossier as a form (DOMAIN.md §1, sections A to G).

Adding a question is one entry here (and its translations): the conversation, the completeness
check, the review and the documents follow. The answers other rooms read are named in `roles`;
the financing plan read from the answers (`financing`) and the rules across them are the form's.
"""

from decimal import Decimal
from typing import Any

from bot.domain.forms import N_, AnswerRole, Answers, Choice, Form, Kind, Problem, Question, Section
from bot.domain.rules import Financing, FundingRules, cofinancing_problems


def _text(key: str, prompt: str, label: str, **kw: Any) -> Question:
    return Question(key, Kind.TEXT, prompt, label, **kw)


def _long(key: str, prompt: str, label: str, **kw: Any) -> Question:
    return Question(key, Kind.TEXT, prompt, label, min_len=20, max_len=3000, **kw)


SECTORS = (
    Choice("water", N_("Water and sanitation")),
    Choice("markets", N_("Markets")),
    Choice("civil_registry", N_("Civil registry")),
    Choice("lighting", N_("Solar street lighting")),
    Choice("health", N_("Health facilities")),
    Choice("education", N_("School facilities")),
    Choice("heritage", N_("Heritage")),
    Choice("waste", N_("Waste management")),
    Choice("other", N_("Other collective facilities")),
)
CURRENCIES = (
    "EUR", "XOF", "XAF", "CAD", "USD", "MAD", "TND", "DZD", "LBP",
    "HTG", "MGA", "KMF", "GNF", "CDF", "BIF", "RWF", "VND", "KHR", "LAK",
)  # fmt: skip
LEVELS = (
    Choice("ultimate", N_("Ultimate outcome")),
    Choice("intermediate", N_("Intermediate outcome")),
    Choice("immediate", N_("Immediate outcome")),
    Choice("output", N_("Output")),
)
BUDGET_CATEGORIES = (
    Choice("works", N_("Works")),
    Choice("equipment", N_("Equipment")),
    Choice("studies", N_("Studies")),
    Choice("training", N_("Training")),
    Choice("supervision", N_("Supervision")),
    Choice("contingencies", N_("Contingencies")),
)
PARTNER_TYPES = (
    Choice("public", N_("Public")),
    Choice("private", N_("Private")),
    Choice("decentralised", N_("Decentralised cooperation")),
    Choice("international", N_("International")),
)
PARTNER_STATUS = (Choice("confirmed", N_("Confirmed")), Choice("expected", N_("Expected")))
GENDER_MARKERS = (
    Choice("0", N_("0 · not targeted")),
    Choice("1", N_("1 · significant objective")),
    Choice("2", N_("2 · principal objective")),
)
PROJECT_KINDS = (Choice("new", N_("New project")), Choice("follow_on", N_("Follow-on project")))
CONTRIBUTION_KINDS = (
    Choice("cash", N_("Cash")),
    Choice("in_kind", N_("In kind")),
    Choice("both", N_("Cash and in kind")),
)


def has_works(answers: Answers) -> bool:
    return any(line.get("category") == "works" for line in answers.get("budget_lines") or ())


def confirmed_partners(answers: Answers) -> list[dict[str, Any]]:
    return [p for p in answers.get("partners") or () if p.get("status") == "confirmed"]


INDICATOR_FIELDS = (
    Question("level", Kind.CHOICE, N_("Level of this result?"), N_("Level"), choices=LEVELS),
    _text("result", N_("Expected result (what will have changed)?"), N_("Expected result"),
          min_len=5, max_len=500),
    _text("indicator", N_("Indicator that measures it?"), N_("Indicator"), min_len=3, max_len=300),
    _text("unit", N_("Unit of the indicator (households, km, %, …)?"), N_("Unit"), max_len=40),
    Question("baseline_value", Kind.NUMBER, N_("Baseline: the value today, as a number?"),
             N_("Baseline")),
    Question("target_value", Kind.NUMBER, N_("Target: the value at the end, as a number?"),
             N_("Target")),
    # Version 1 asked them as free text: an entry saved then keeps its words (shown, never asked).
    _text("baseline", N_("Baseline (the value today)?"), N_("Baseline (as written)"),
          max_len=200, when=lambda item: "baseline" in item),
    _text("target", N_("Target (the value at the end)?"), N_("Target (as written)"),
          max_len=200, when=lambda item: "target" in item),
    Question("counts_people", Kind.YES_NO, N_("Does this indicator count people?"),
             N_("Counts people")),
    Question("women", Kind.WHOLE, N_("Target for women (a whole number)?"), N_("Women"),
             when=lambda item: item.get("counts_people") is True),
    Question("men", Kind.WHOLE, N_("Target for men (a whole number)?"), N_("Men"),
             when=lambda item: item.get("counts_people") is True),
    _text("source", N_("Data source?"), N_("Data source"), max_len=200),
    _text("frequency", N_("How often is it measured?"), N_("Frequency"), max_len=100),
    _text("measured_by", N_("Who measures it?"), N_("Measured by"), max_len=200),
    Question("gender", Kind.YES_NO, N_("Does this result aim at gender equality?"),
             N_("Aims at gender equality")),
)  # fmt: skip

BUDGET_LINE_FIELDS = (
    _text("label", N_("Label of the budget line?"), N_("Label"), min_len=2, max_len=200),
    Question(
        "category",
        Kind.CHOICE,
        N_("Category of this line?"),
        N_("Category"),
        choices=BUDGET_CATEGORIES,
    ),
    Question("amount", Kind.MONEY, N_("Amount of this line?"), N_("Amount")),
)

PARTNER_FIELDS = (
    _text("name", N_("Name of the partner?"), N_("Name"), min_len=2, max_len=200),
    Question("type", Kind.CHOICE, N_("Type of partner?"), N_("Type"), choices=PARTNER_TYPES),
    Question("amount", Kind.MONEY, N_("Amount this partner brings?"), N_("Amount")),
    Question(
        "status",
        Kind.CHOICE,
        N_("Is this contribution confirmed or expected?"),
        N_("Status"),
        choices=PARTNER_STATUS,
    ),
)

SECTIONS: tuple[Section, ...] = (
    Section("applicant", N_("Applicant"), (
        _text("city", N_("Member city applying?"), N_("City"), min_len=2, max_len=100,
              prefill="city_name"),
        Question("country", Kind.COUNTRY, N_("Country?"), N_("Country"), prefill="country"),
        _text("mayor", N_("Name of the mayor who signs the application?"), N_("Mayor"),
              min_len=3, max_len=150),
        _text("focal_name", N_("Focal point: full name?"), N_("Focal point"), min_len=3,
              max_len=150, prefill="full_name"),
        _text("focal_function", N_("Focal point: function?"), N_("Function"), min_len=2,
              max_len=150, prefill="function"),
        Question("focal_phone", Kind.PHONE, N_("Focal point: phone number?"), N_("Phone"),
                 prefill="phone", region="country"),
        Question("focal_email", Kind.EMAIL, N_("Focal point: email address?"), N_("Email"),
                 prefill="email"),
        Question("project_kind", Kind.CHOICE,
                 N_("Is this a new project or the follow-on of an earlier AIMF project?"),
                 N_("New or follow-on"), choices=PROJECT_KINDS),
        _text("previous_project", N_("Which earlier AIMF project does it follow (title, year)?"),
              N_("Earlier project"), min_len=3, max_len=300,
              when=lambda a: a.get("project_kind") == "follow_on"),
    )),
    Section("project", N_("Project"), (
        _text("title", N_("Title of the project?"), N_("Title"), min_len=5, max_len=200),
        Question("sector", Kind.CHOICE, N_("Sector?"), N_("Sector"), choices=SECTORS),
        _text("district", N_("District or neighbourhood where it takes place?"), N_("Location"),
              min_len=2, max_len=200),
        Question("location", Kind.LOCATION,
                 N_("Share the site's location on the map (📎 → Location), or skip."),
                 N_("Map location"), required=False),
        Question("start_date", Kind.DATE, N_("Planned start date?"), N_("Start date")),
        Question("duration", Kind.WHOLE, N_("Duration in months?"), N_("Duration (months)"),
                 minimum=1, maximum=120),
        Question("collective", Kind.YES_NO,
                 N_("Is the project an investment in collective facilities?"),
                 N_("Investment in collective facilities")),
    )),
    Section("narrative", N_("Narrative"), (
        _long("context", N_("Context and problem the project answers?"), N_("Context")),
        _long("objectives", N_("Objectives of the project?"), N_("Objectives")),
        _long("activities", N_("Planned works and activities?"), N_("Works and activities")),
        Question("beneficiaries", Kind.WHOLE, N_("How many people will benefit in total?"),
                 N_("Beneficiaries"), minimum=1),
        Question("beneficiaries_women", Kind.WHOLE, N_("Of them, how many women?"),
                 N_("Women"), not_above="beneficiaries"),
        Question("beneficiaries_youth", Kind.WHOLE, N_("Of them, how many young people?"),
                 N_("Young people"), not_above="beneficiaries"),
        _long("institutions", N_("Which municipal service runs the project?"),
              N_("Institutional set-up")),
        _long("sustainability",
              N_("How will it be operated and maintained (fees, budget for running costs)?"),
              N_("Sustainability")),
        _long("risks", N_("Main risks and how you will handle them?"), N_("Risks")),
        _long("gender_analysis", N_("Gender analysis: how does the project affect women and men?"),
              N_("Gender analysis")),
    )),
    Section("results", N_("Results framework"), (
        Question("gender_marker", Kind.CHOICE,
                 N_("OECD DAC gender-equality marker of the project?"), N_("Gender marker"),
                 choices=GENDER_MARKERS),
        _long("gender_justification", N_("Why this gender marker?"), N_("Marker justification")),
        Question("indicators", Kind.LIST,
                 N_("Indicators: at least one for each level (ultimate, intermediate, immediate "
                    "outcome, output)."),
                 N_("Indicators"), fields=INDICATOR_FIELDS, min_items=4),
    )),
    Section("budget", N_("Budget"), (
        Question("currency", Kind.CHOICE, N_("Currency of the budget?"), N_("Currency"),
                 choices=tuple(Choice(code, code) for code in CURRENCIES), columns=4),
        Question("budget_lines", Kind.LIST, N_("Budget lines: add each line of the budget."),
                 N_("Budget lines"), fields=BUDGET_LINE_FIELDS, min_items=1),
    )),
    Section("financing", N_("Financing plan"), (
        Question("fund_amount", Kind.MONEY, N_("Amount asked of the Cooperation Fund?"),
                 N_("Asked of the Fund")),
        Question("city_amount", Kind.MONEY, N_("The city's own contribution?"),
                 N_("City contribution")),
        Question("city_kind", Kind.CHOICE, N_("Is the city's contribution in cash or in kind?"),
                 N_("Form of the contribution"), choices=CONTRIBUTION_KINDS),
        Question("partners", Kind.LIST,
                 N_("Other partners (public, private, decentralised cooperation, international)."),
                 N_("Partners"), fields=PARTNER_FIELDS, required=False),
    )),
    Section("attachments", N_("Attachments"), (
        Question("att_resolution", Kind.FILES,
                 N_("Municipal council resolution approving the project and the city's "
                    "contribution."), N_("Council resolution")),
        Question("att_technical", Kind.FILES, N_("Technical study, plans or quotes."),
                 N_("Technical study")),
        Question("att_letters", Kind.LETTERS, N_("Commitment letter of each confirmed partner."),
                 N_("Partners' commitment letters"), when=lambda a: bool(confirmed_partners(a)),
                 per_entry=confirmed_partners),
        Question("att_land", Kind.FILES, N_("Proof that the land is available for the works."),
                 N_("Land availability"), when=has_works),
        Question("att_photos", Kind.FILES, N_("Photos of the site (optional)."),
                 N_("Site photos"), required=False),
    )),
)  # fmt: skip


def financing(answers: Answers) -> Financing:
    """A Fund dossier's financing plan: its total cost and its sources."""
    lines = answers.get("budget_lines") or ()
    partners = answers.get("partners") or ()
    return Financing(
        currency=answers.get("currency"),
        total=sum((_money(line.get("amount")) for line in lines), Decimal(0)),
        fund=_money(answers.get("fund_amount")),
        city=_money(answers.get("city_amount")),
        partners=sum((_money(p.get("amount")) for p in partners), Decimal(0)),
    )


def _money(value: Any) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def _section_problems(key: str, answers: Answers, rules: FundingRules) -> list[Problem]:
    """The Cooperation Fund's rules across answers, section by section."""
    if key == "project" and answers.get("collective") is False:
        return [Problem("not_collective")]
    if key == "narrative":
        total = answers.get("beneficiaries")
        over = [
            k
            for k in ("beneficiaries_women", "beneficiaries_youth")
            if isinstance(total, int) and isinstance(answers.get(k), int) and answers[k] > total
        ]
        return [Problem("beneficiaries_over", {"keys": over})] if over else []
    if key == "results":
        return _results_problems(answers)
    if key == "financing" and answers.get("fund_amount") and answers.get("city_amount"):
        return cofinancing_problems(financing(answers), rules)
    return []


def _results_problems(answers: Answers) -> list[Problem]:
    indicators = answers.get("indicators") or ()
    problems = []
    levels = {i.get("level") for i in indicators}
    absent = [lv for lv in ("ultimate", "intermediate", "immediate", "output") if lv not in levels]
    if indicators and absent:
        problems.append(Problem("levels_missing", {"levels": absent}))
    marker = answers.get("gender_marker")
    if marker in ("1", "2") and indicators and not any(i.get("gender") for i in indicators):
        problems.append(Problem("gender_result_missing"))
    return problems


# Version 2: each indicator's baseline and target are numbers with a unit (version 1 asked
# them as text); a draft saved under version 1 asks them first when opened.
FUND_FORM = Form(
    key="fund",
    version=2,
    title=N_("Cooperation Fund dossier"),
    sections=SECTIONS,
    roles={
        AnswerRole.TITLE: "title",
        AnswerRole.SECTOR: "sector",
        AnswerRole.CITY: "city",
        AnswerRole.COUNTRY: "country",
        AnswerRole.CURRENCY: "currency",
        AnswerRole.MAYOR: "mayor",
        AnswerRole.DISTRICT: "district",
        AnswerRole.START_DATE: "start_date",
        AnswerRole.DURATION: "duration",
        AnswerRole.BUDGET_LINES: "budget_lines",
        AnswerRole.ASKED: "fund_amount",
        AnswerRole.CITY_AMOUNT: "city_amount",
        AnswerRole.CITY_KIND: "city_kind",
        AnswerRole.PARTNERS: "partners",
        AnswerRole.INDICATORS: "indicators",
    },
    coached=frozenset({"budget_lines", "fund_amount", "city_amount", "city_kind", "partners"}),
    section_rules=_section_problems,
    problem_targets={
        "not_collective": "collective",
        "beneficiaries_over": "beneficiaries",
        "levels_missing": "indicators",
        "gender_result_missing": "indicators",
    },
    default_target="fund_amount",
)
