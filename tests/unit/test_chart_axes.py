"""The `/stats` charts' axes and numbers, drawn with matplotlib and measured: counts on whole
ticks, no two numbers of an axis touching, every bar's number inside its panel, and a chart with
nothing to draw saying so instead of an empty axis. In fr, en and ar; pure functions, no bot."""

from datetime import date
from itertools import pairwise
from unittest import mock

import pytest

from bot.domain.sessions import BureauSession
from bot.domain.stats import compute_stats
from bot.screens.charts import Chart, render_chart, stats_charts
from bot.telegram.i18n import build_i18n
from testkit.agenda_facts import APRIL, facts

NOVEMBER = BureauSession(date(2027, 11, 20), date(2027, 9, 30), "Dakar", 2)
COUNTRIES = ("SN", "CI", "LB", "TN", "MA", "FR", "CM", "BF", "ML", "NE", "TG", "BJ", "GA", "CG")

# Three dossiers: the pipeline's longest bar is 1 (its axis read "0 0 0 1 1 1").
FEW = [
    facts(1, "approved", granted=600_000, decided_days=30),
    facts(2, "submitted", session=None, country="LB", sector="health"),
    facts(3, "in_review", session=None),
]
# Thirty-nine dossiers asking up to 49 million euros each: amounts of nine digits.
MANY = [
    facts(
        n,
        ("submitted", "in_review", "approved", "scheduled")[n % 4],
        fund=800_000 + n * 1_234_567,
        total=10**8,
        granted=700_000 + n * 1_000_000 if n % 4 == 2 else None,
        decided_days=20 + n if n % 4 == 2 else None,
        country=COUNTRIES[n % len(COUNTRIES)],
        sector=("water", "markets", "health", "lighting", "waste")[n % 5],
        session=(APRIL, NOVEMBER)[n % 2],
    )
    for n in range(1, 40)
]


def charts_of(dossiers, language: str) -> list[Chart]:
    i18n = build_i18n("fr")
    with i18n.context(), i18n.use_locale(language):
        return stats_charts(compute_stats(dossiers))


def drawn(chart: Chart):
    """The chart's matplotlib figure as `render_chart` builds it, drawn on an Agg canvas to be
    measured in pixels (instead of being written as a PNG)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figures = []

    def keeping(self, *args, **kwargs):
        figures.append(self)

    with mock.patch.object(Figure, "savefig", keeping):
        render_chart(chart)
    (figure,) = figures
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return figure, canvas.get_renderer()


def shown_ticks(ax, axis: str) -> list[float]:
    low, high = sorted(ax.get_xlim() if axis == "x" else ax.get_ylim())
    ticks = ax.get_xticks() if axis == "x" else ax.get_yticks()
    return [t for t in ticks if low <= t <= high]


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_count_axes_have_whole_ticks_only(language: str) -> None:
    pipeline, _sessions, _sectors, _countries, days = charts_of(FEW, language)
    for chart, axis in ((pipeline, "x"), (days, "y")):
        figure, _renderer = drawn(chart)
        count_axes = figure.axes[:1] if chart.horizontal else figure.axes
        if language == "ar" and chart.horizontal:
            count_axes = figure.axes[-1:]  # the first panel stands on the right
        for ax in count_axes:
            ticks = shown_ticks(ax, axis)
            assert len(ticks) >= 2 and all(t == int(t) for t in ticks), (chart.title, ticks)
            labels = [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
            labels = [label for label in labels if label]
            assert len(labels) == len(set(labels)), labels  # never "0 0 0 1 1 1"


def overlapping(boxes) -> list:
    boxes = sorted(boxes, key=lambda b: b.x0)
    return [(a, b) for a, b in pairwise(boxes) if a.x1 > b.x0]


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_amount_labels_never_overlap_nor_leave_their_panel(language: str) -> None:
    """Nine-digit amounts ran into each other along the axis ("20,000,00040,000,000") and a
    bar's number ran past its panel."""
    countries = charts_of(MANY, language)[3]
    for chart in (countries,):
        figure, renderer = drawn(chart)
        for ax in figure.axes:
            ticks = [t for t in ax.get_xticklabels() if t.get_text() and t.get_visible()]
            boxes = [t.get_window_extent(renderer) for t in ticks]
            boxes = [b for b in boxes if ax.bbox.x0 - 40 <= b.x0 <= ax.bbox.x1 + 40]
            assert len(boxes) >= 2 and not overlapping(boxes), [t.get_text() for t in ticks]
            numbers = [text.get_window_extent(renderer) for text in ax.texts]
            assert numbers and all(ax.bbox.x0 <= b.x0 and b.x1 <= ax.bbox.x1 for b in numbers), (
                chart.title
            )


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_a_chart_with_no_data_says_so_instead_of_an_empty_axis(language: str) -> None:
    """One dossier submitted, none scheduled nor decided: the sessions' and the days' charts
    have nothing to draw."""
    charts = charts_of([facts(1, "submitted", session=None)], language)
    nothing = {"fr": "Pas encore de données.", "en": "No data yet.", "ar": "لا توجد بيانات بعد."}
    for chart in (charts[1], charts[4]):
        assert chart.nothing == nothing[language]
        figure, _renderer = drawn(chart)
        assert figure.axes == []  # no axis of zeros
        centred = [t for t in figure.texts if t.get_position() == (0.5, 0.5)]
        assert len(centred) == 1 and centred[0].get_text() in chart.texts
    if language == "fr":
        figure, _renderer = drawn(charts[0])
        assert figure.axes  # a chart with data keeps its bars
