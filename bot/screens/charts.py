"""The Secretariat's charts (`/stats`) as PNG images, from `Stats`, in the reader's language.

`stats_charts` builds each chart's texts and figures on the event loop (gettext, Babel);
`render_chart` draws one with matplotlib's Agg backend, without pyplot (no global figure state),
and is meant to run in a worker thread. Every text is given to matplotlib as typed (logical
order): since 3.11 matplotlib lays text out with libraqm (HarfBuzz shaping, FriBiDi ordering), so
Arabic letters are joined and right-to-left runs ordered, brackets mirrored, by matplotlib itself.
Shaping or reordering it beforehand (as arabic-reshaper and python-bidi did for older versions)
would do it twice: reversed words, broken joins. In Arabic the charts themselves read from the
right. The font is DejaVu Sans, shipped inside matplotlib itself (`mpl-data/fonts/ttf`), which has
Latin and Arabic glyphs: nothing depends on the fonts of the machine.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.numbers import format_decimal

from bot.domain.countries import country_name
from bot.domain.dates import format_long
from bot.domain.locales import babel_locale
from bot.domain.stats import UNIT, Stats
from bot.screens.common import locale
from bot.screens.home import status_label
from bot.screens.sheets import sector_label

FONT = "DejaVu Sans"
MAX_BARS = 12  # countries and sectors beyond the first twelve are summed as "others"
COLOURS = ("#1f5aa6", "#e39b2d")


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float]
    whole: bool = False  # counts: whole numbers on the axis


@dataclass
class Chart:
    """One chart: horizontal bars (`horizontal`) or grouped vertical bars, one group a label."""

    title: str
    labels: list[str]
    series: list[Series]
    axis: str = ""  # what the values measure
    horizontal: bool = False
    note: str = ""  # under the chart
    language: str = "fr"
    texts: list[str] = field(default_factory=list)  # every text drawn (checked for glyphs)


def _number(value: float, language: str) -> str:
    return format_decimal(round(value), locale=babel_locale(language))


def stats_charts(stats: Stats) -> list[Chart]:
    """The five charts of `/stats`, their texts in the current language."""
    language = locale()
    euros = _("Amount ({unit})").format(unit=UNIT)
    pipeline = Chart(
        _("Dossiers by status"),
        [status_label(s) for s in stats.by_status],
        [Series(_("Dossiers"), [float(n) for n in stats.by_status.values()], whole=True)],
        axis=_("Dossiers"),
        horizontal=True,
    )
    sessions = Chart(
        _("Asked and granted per Bureau session"),
        [format_long(f.session.held_on, language) for f in stats.sessions],
        [
            Series(_("Asked of the Fund"), [float(f.asked) for f in stats.sessions]),
            Series(_("Granted"), [float(f.granted) for f in stats.sessions]),
        ],
        axis=euros,
    )
    sectors = _shares_chart(
        _("Dossiers and amounts by sector"),
        {sector_label(k): v for k, v in stats.by_sector.items()},
        euros,
    )
    countries = _shares_chart(
        _("Dossiers and amounts by country"),
        {country_name(k, language): v for k, v in stats.by_country.items()},
        euros,
    )
    overall = stats.median_days
    days = Chart(
        _("Median days from submission to decision"),
        [format_long(f.session.held_on, language) for f in stats.sessions if f.days],
        [
            Series(
                _("Days"), [float(f.median_days or 0) for f in stats.sessions if f.days], whole=True
            )
        ],
        axis=_("Days"),
        note=(
            _("Median of all decisions: {days} · dossiers decided: {count}").format(
                days=_number(overall, language), count=len(stats.days)
            )
            if overall is not None
            else _("No decision yet.")
        ),
    )
    charts = [pipeline, sessions, sectors, countries, days]
    if stats.not_converted:
        note = ngettext(
            "{count} dossier in a currency with no fixed rate to the euro is not in the amounts.",
            "{count} dossiers in a currency with no fixed rate to the euro are not in the amounts.",
            stats.not_converted,
        ).format(count=stats.not_converted)
        for chart in (sessions, sectors, countries):
            chart.note = note
    for chart in charts:
        chart.language = language
    return charts


def _shares_chart(title: str, shares: dict, axis: str) -> Chart:
    items = list(shares.items())
    if len(items) > MAX_BARS:
        rest = items[MAX_BARS - 1 :]
        others = (sum(s.count for _k, s in rest), sum((s.asked for _k, s in rest), Decimal(0)))
        items = items[: MAX_BARS - 1]
        labels = [k for k, _s in items] + [_("Others")]
        counts = [float(s.count) for _k, s in items] + [float(others[0])]
        amounts = [float(s.asked) for _k, s in items] + [float(others[1])]
    else:
        labels = [k for k, _s in items]
        counts = [float(s.count) for _k, s in items]
        amounts = [float(s.asked) for _k, s in items]
    return Chart(
        title,
        labels,
        [Series(_("Dossiers"), counts, whole=True), Series(axis, amounts)],
        horizontal=True,
    )


def render_chart(chart: Chart, fmt: str = "png") -> bytes:
    """The chart as a PNG (or `fmt`: "svg" for the tests) (CPU-bound: call it in a worker
    thread)."""
    from matplotlib import rc_context

    with rc_context({"font.family": FONT, "svg.hashsalt": "aimf", "svg.fonttype": "path"}):
        return _render(chart, fmt)


def _render(chart: Chart, fmt: str) -> bytes:
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    rtl = chart.language == "ar"
    texts: list[str] = []

    def text(value: str) -> str:
        """Every text as typed: matplotlib shapes and orders it (see the module's doc)."""
        texts.append(value)
        return value

    formatter = FuncFormatter(lambda value, _pos: text(_number(value, chart.language)))
    labels = [text(label) for label in chart.labels]
    if chart.horizontal:
        panels = len(chart.series)
        height = 1.2 + 0.45 * max(len(labels), 3)
        figure = Figure(figsize=(6.4 * panels if panels > 1 else 8, height))
        axes = list(figure.subplots(1, panels, squeeze=False)[0])
        if rtl:
            axes.reverse()  # the first panel, with the labels, on the right
        positions = list(range(len(labels)))
        for index, (ax, series) in enumerate(zip(axes, chart.series, strict=True)):
            ax.barh(positions, series.values, color=COLOURS[index % 2])
            ax.set_yticks(positions, labels if index == 0 else [""] * len(labels))
            ax.invert_yaxis()  # the first row on top
            ax.set_title(text(series.name), fontsize=10)
            ax.xaxis.set_major_formatter(formatter)
            if series.whole:
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            if rtl:
                ax.invert_xaxis()  # bars grow from the right
                ax.yaxis.tick_right()
            for position, value in zip(positions, series.values, strict=True):
                if value:
                    ax.annotate(
                        text(_number(value, chart.language)),
                        (value, position),
                        xytext=(-3 if rtl else 3, 0),
                        textcoords="offset points",
                        va="center",
                        ha="right" if rtl else "left",
                        fontsize=8,
                    )
            ax.margins(x=0.15)
        longest = max((len(label) for label in labels), default=0)
        side = min((0.3 + 0.075 * longest) / figure.get_figwidth(), 0.45)
        _margins(figure, rtl, side, top=0.95 - 0.75 / height, bottom=0.55 / height)
    else:
        figure = Figure(figsize=(8, 4.5))
        ax = figure.subplots()
        order = list(range(len(labels)))
        if rtl:
            order.reverse()  # the first session on the right
        width = 0.8 / max(len(chart.series), 1)
        for index, series in enumerate(chart.series):
            shift = (index - (len(chart.series) - 1) / 2) * width * (-1 if rtl else 1)
            ax.bar(
                [p + shift for p in order],
                series.values,
                width,
                label=text(series.name),
                color=COLOURS[index % 2],
            )
        ax.set_xticks(order, labels)
        ax.yaxis.set_major_formatter(formatter)
        if all(series.whole for series in chart.series):
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        if chart.axis:
            ax.set_ylabel(text(chart.axis))
        if rtl:
            ax.yaxis.tick_right()
            ax.yaxis.set_label_position("right")
        if len(chart.series) > 1:
            ax.legend(loc="upper left" if rtl else "upper right", markerfirst=not rtl)
        if len(labels) > 4:
            ax.tick_params(axis="x", labelrotation=30)
        ax.margins(y=0.12)
        _margins(figure, rtl, 0.14, top=0.86, bottom=0.2 if len(labels) > 4 else 0.13)
    for ax in figure.axes:
        ax.tick_params(labelsize=9)
    figure.suptitle(text(chart.title), fontsize=13, gid="title")
    if chart.note:
        figure.text(0.5, 0.01, text(chart.note), ha="center", fontsize=8)
    if not labels:
        figure.text(0.5, 0.5, text(chart.note or "—"), ha="center", fontsize=12)
    out = BytesIO()
    figure.savefig(out, format=fmt, dpi=100)
    chart.texts = texts
    return out.getvalue()


def _margins(figure, rtl: bool, side: float, *, top: float, bottom: float) -> None:
    """Fixed margins (tight_layout would draw every chart twice): `side` for the labels, on the
    right in Arabic."""
    left, right = (0.04, 1 - side) if rtl else (side, 0.96)
    figure.subplots_adjust(left=left, right=right, top=top, bottom=bottom, wspace=0.08)
