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
TICK_SIZE, VALUE_SIZE = 9, 8  # points: the axes' numbers, the numbers at the bars' ends
GAP = 12  # pixels at least between two numbers of an axis, and after a bar's number


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float]
    whole: bool = False  # counts (dossiers, days): whole-number ticks only


@dataclass
class Chart:
    """One chart: horizontal bars (`horizontal`) or grouped vertical bars, one group a label."""

    title: str
    labels: list[str]
    series: list[Series]
    axis: str = ""  # what the values measure
    horizontal: bool = False
    note: str = ""  # under the chart
    nothing: str = "—"  # in place of the bars when there is nothing to draw
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
        chart.nothing = _("No data yet.")
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
    from matplotlib.ticker import FuncFormatter

    rtl = chart.language == "ar"
    texts: list[str] = []

    def text(value: str) -> str:
        """Every text as typed: matplotlib shapes and orders it (see the module's doc)."""
        texts.append(value)
        return value

    if not any(value for series in chart.series for value in series.values):
        return _nothing_to_show(chart, text, texts)
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
                        fontsize=VALUE_SIZE,
                    )
            ax.margins(x=0.15)
        longest = max((len(label) for label in labels), default=0)
        side = min((0.3 + 0.075 * longest) / figure.get_figwidth(), 0.45)
        _margins(figure, rtl, side, top=0.95 - 0.75 / height, bottom=0.55 / height)
        for ax, series in zip(axes, chart.series, strict=True):
            _room_for_values(figure, ax, series.values, chart.language, rtl)
            _ticks(figure, ax, "x", series.whole, chart.language)
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
        _ticks(figure, ax, "y", all(s.whole for s in chart.series), chart.language)
    for ax in figure.axes:
        ax.tick_params(labelsize=TICK_SIZE)
    figure.suptitle(text(chart.title), fontsize=13, gid="title")
    if chart.note:
        figure.text(0.5, 0.01, text(chart.note), ha="center", fontsize=8)
    out = BytesIO()
    figure.savefig(out, format=fmt, dpi=100)
    chart.texts = texts
    return out.getvalue()


def _margins(figure, rtl: bool, side: float, *, top: float, bottom: float) -> None:
    """Fixed margins (tight_layout would draw every chart twice): `side` for the labels, on the
    right in Arabic."""
    left, right = (0.04, 1 - side) if rtl else (side, 0.96)
    figure.subplots_adjust(left=left, right=right, top=top, bottom=bottom, wspace=0.08)


def _nothing_to_show(chart: Chart, text, texts: list[str]) -> bytes:
    """A chart with no figure to draw: its title and "No data yet." where the bars would be (an
    empty axis would read as zeros), and its note."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 4.5))
    figure.suptitle(text(chart.title), fontsize=13)
    figure.text(0.5, 0.5, text(chart.nothing), ha="center", va="center", fontsize=14)
    if chart.note:
        figure.text(0.5, 0.01, text(chart.note), ha="center", fontsize=8)
    out = BytesIO()
    figure.savefig(out, format="png", dpi=100)
    chart.texts = texts
    return out.getvalue()


def _renderer(figure):
    """The Agg renderer of `figure` (attached once), to measure texts before drawing."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(figure.canvas, FigureCanvasAgg):
        FigureCanvasAgg(figure)
    return figure.canvas.get_renderer()


def _text_size(figure, value: str, size: float) -> tuple[float, float]:
    """Width and height in pixels of `value` drawn in the charts' font at `size` points."""
    from matplotlib.font_manager import FontProperties

    width, height, _descent = _renderer(figure).get_text_width_height_descent(
        value, FontProperties(family=FONT, size=size), ismath=False
    )
    return width, height


def _room_for_values(figure, ax, values: list[float], language: str, rtl: bool) -> None:
    """Widen the value axis so that each bar's number, written at its end, stays inside the
    axes: it never runs into the next panel or off the image."""
    width = ax.get_window_extent(_renderer(figure)).width
    offset = 3 * figure.dpi / 72  # the annotation's 3 points from the bar's end
    low, high = sorted(ax.get_xlim())
    top = high
    for value in values:
        if value > 0:
            label, _height = _text_size(figure, _number(value, language), VALUE_SIZE)
            room = width - label - offset - GAP / 2
            if room > 0:
                top = max(top, value * width / room)
    ax.set_xlim((top, low) if rtl else (low, top))


def _ticks(figure, ax, axis: str, whole: bool, language: str) -> None:
    """The numbers along `axis` ("x" or "y"): whole ones only for counts (a count axis read
    "0 0 0 1 1 1"), and as many as fit with a gap between their labels (amounts in full, such
    as "160,000,000", ran into each other)."""
    from matplotlib.ticker import MaxNLocator

    box = ax.get_window_extent(_renderer(figure))
    length = box.width if axis == "x" else box.height
    low, high = sorted(ax.get_xlim() if axis == "x" else ax.get_ylim())
    if high <= low:
        return
    locator = MaxNLocator(nbins=8, integer=whole, min_n_ticks=1)
    for bins in (8, 6, 5, 4, 3, 2, 1):
        locator = MaxNLocator(nbins=bins, integer=whole, min_n_ticks=1)
        ticks = [t for t in locator.tick_values(low, high) if low <= t <= high]
        if len(ticks) < 2:
            break
        step = length * (ticks[1] - ticks[0]) / (high - low)
        sizes = [_text_size(figure, _number(t, language), TICK_SIZE) for t in ticks]
        needed = max(w for w, _h in sizes) if axis == "x" else max(h for _w, h in sizes)
        if step >= needed + GAP:
            break
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_locator(locator)
