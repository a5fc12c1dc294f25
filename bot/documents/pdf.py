"""Drawing a document: headings, paragraphs, label/value rows and tables, in any of the bot's
languages, left to right or right to left, on A4 pages with a footer on each.

Built on fpdf2. Text is drawn literally (no markup is interpreted). Lines are wrapped here, word by
word (a word wider than its column is cut), so long answers wrap and never leave the page; a table
row that does not fit what is left of a page goes on the next one whole (a tall one goes on over
the next one), under the table's header again. Arabic (and any text outside basic Latin) is shaped
by HarfBuzz (uharfbuzz) and laid out by fpdf2's bidirectional algorithm; text of Latin letters only
skips shaping, which is what keeps a full dossier well under a second (fpdf2's own line breaking
shapes a paragraph again at every character). Lines break only at breaking spaces: an amount
(`1 250 000 €`, whose spaces are no-break ones) is never cut, and a table's columns are made at
least as wide as their widest word and amount when the page allows it. Each paragraph takes its
direction from its first strong letter (an Arabic answer in a French document reads right to
left, and a French one in an Arabic document left to right), and is aligned on that side; in a
right-to-left document tables run from right to left and labels stand on the right.

The font is DejaVu Sans cut down to the scripts the network writes in (`fonts/`, with its
licence), shipped with the package: one font with Latin and Arabic, so a line that mixes them
needs no font switching.
"""

import re
import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from fontTools.ttLib import TTFont
from fpdf import FPDF

FAMILY = "DejaVuSans"
FONTS = files("bot.documents") / "fonts"
NAMES = ("DejaVuSans", "DejaVuSans-Bold")  # regular, bold
BODY = 9.0  # points
SMALL = 7.5
LINE = 1.45  # line height, times the font size
PT = 25.4 / 72  # millimetres in a point
TEXT = (30, 30, 30)
MUTED = (100, 100, 100)
ACCENT = (14, 64, 120)
RULE = (180, 180, 180)
HEAD_FILL = (230, 236, 244)
BAD = (170, 30, 30)
GOOD = (20, 110, 50)


_WIDTHS: dict[tuple[str, float, bool, str], float] = {}  # see PdfDocument._width
MISSING = "□"  # in place of a character the font does not have (an emoji, another script)
# Where a line may break: any white space but the no-break ones (U+00A0, U+2007, U+202F), which
# Babel puts inside amounts and between a number and its unit, and but the space French puts
# before ":" ";" "!" "?" "»" and after "«" (a colon never starts a line).
BREAKS = re.compile(r"(?<!«)[^\S\u00a0\u2007\u202f]++(?![:;!?»])")
LONGEST_WORD = 30  # characters: a longer "word" (a link, a hash) may be cut rather than widen
KEEP_ROW = 0.3  # a table row up to this share of a page is moved whole rather than split


@cache
def covered() -> frozenset[int]:
    """The characters both fonts have."""
    maps = [TTFont(str(FONTS / f"{name}-LatinArabic.ttf")).getBestCmap() for name in NAMES]
    return frozenset(set(maps[0]) & set(maps[1]))


def printable(text: str) -> str:
    """`text` with what the font cannot draw replaced by a box (never a silent blank)."""
    have = covered()
    if all(ord(ch) in have for ch in text):
        return text
    return "".join(ch if ord(ch) in have or ch in "\n\t" else MISSING for ch in text)


def words(text: str) -> list[str]:
    """`text` cut at its breaking spaces (an amount's no-break spaces hold it together)."""
    return [word for word in BREAKS.split(text) if word]


def needs_shaping(text: str) -> bool:
    """Whether `text` has anything beyond Latin letters and common punctuation (Arabic, marks,
    right-to-left controls): such text goes through HarfBuzz and the bidirectional algorithm."""
    return any(ord(ch) >= 0x0300 and not 0x2010 <= ord(ch) <= 0x20CF for ch in text)


def direction_of(text: str) -> str | None:
    """ "rtl" or "ltr" after the first strong character (Unicode's rules P2/P3), None if none."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


@dataclass(frozen=True)
class Style:
    size: float = BODY
    bold: bool = False
    color: tuple[int, int, int] = TEXT

    @property
    def line(self) -> float:
        return self.size * LINE * PT


class _Pages(FPDF):
    """fpdf2's document with our footer on every page (fpdf2 calls `footer` itself)."""

    def __init__(self, owner: "PdfDocument") -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.owner = owner

    def footer(self) -> None:
        self.owner.draw_footer()


class PdfDocument:
    """One document. `footer(page_number)` gives the two texts at the foot of each page (e.g.
    the reference, and "Page 3"); `rtl` mirrors the layout for a right-to-left language;
    `orientation` is the first pages' ("P" portrait, "L" landscape: for wide tables)."""

    def __init__(
        self,
        *,
        rtl: bool,
        footer: Callable[[int], tuple[str, str]],
        title: str = "",
        language: str = "",
        orientation: str = "P",
    ) -> None:
        self.rtl = rtl
        self.footer = footer
        self.pdf = _Pages(self)
        self.pdf.set_margins(16, 16, 16)
        self.pdf.set_auto_page_break(False)
        self.pdf.c_margin = 1.2
        for style, name in zip(("", "B"), NAMES, strict=True):
            self.pdf.add_font(FAMILY, style, str(FONTS / f"{name}-LatinArabic.ttf"))
        self.pdf.set_title(title)
        if language:
            self.pdf.set_lang(language)
        self.pdf.set_creator("AIMF dossier assistant")
        self._header: tuple[list[str], list[float], Style] | None = None
        self.orientation = orientation
        self.pdf.add_page(orientation=orientation)

    # --- measuring and wrapping -------------------------------------------------------------

    def _use(self, style: Style, text: str = "") -> bool:
        """Set the font and whether `text` is shaped; returns whether it is."""
        self.pdf.set_font(FAMILY, "B" if style.bold else "", style.size)
        self.pdf.set_text_color(*style.color)
        shaped = needs_shaping(text)
        if shaped:
            direction = direction_of(text) or ("rtl" if self.rtl else "ltr")
            self.pdf.set_text_shaping(True, direction=direction)
        else:
            self.pdf.set_text_shaping(False)
        return shaped

    def _width(self, word: str, style: Style, shaped: bool) -> float:
        """A word's width, measured once per process (every document uses the same fonts)."""
        key = ("B" if style.bold else "", style.size, shaped, word)
        width = _WIDTHS.get(key)
        if width is None:
            if len(_WIDTHS) > 100_000:  # labels repeat; answers' words need not stay forever
                _WIDTHS.clear()
            width = _WIDTHS[key] = self.pdf.get_string_width(word)
        return width

    def wrap(self, text: str, width: float, style: Style) -> list[str]:
        """`text` cut into lines that fit `width` millimetres (its own line breaks kept)."""
        room = width - 2 * self.pdf.c_margin
        lines: list[str] = []
        for paragraph in printable(text.replace("\r", "")).split("\n"):
            shaped = self._use(style, paragraph)
            space = self._width(" ", style, shaped)
            current: list[str] = []
            used = 0.0
            for word in words(paragraph):
                for piece in self._pieces(word, room, style, shaped):
                    size = self._width(piece, style, shaped)
                    if current and used + space + size > room:
                        lines.append(" ".join(current))
                        current, used = [], 0.0
                    used += size + (space if current else 0.0)
                    current.append(piece)
            lines.append(" ".join(current))
        return lines

    def _pieces(self, word: str, room: float, style: Style, shaped: bool) -> list[str]:
        """A word, or the parts of a word too wide for the column (cut between characters)."""
        if self._width(word, style, shaped) <= room:
            return [word]
        pieces, current = [], ""
        for ch in word:
            if current and self._width(current + ch, style, shaped) > room:
                pieces.append(current)
                current = ""
            current += ch
        return [*pieces, current] if current else pieces

    # --- drawing ----------------------------------------------------------------------------

    def _line(self, x: float, y: float, width: float, text: str, style: Style, align: str) -> None:
        """One line of text in a box `width` wide, aligned "L" or "R"."""
        text = printable(text)
        self._use(style, text)
        self.pdf.set_xy(x, y)
        self.pdf.cell(width, style.line, text, align=align)

    def _align(self, text: str, lines: int) -> str:
        """The document's side; but a text of the other direction that takes several lines keeps
        its own (an Arabic paragraph in a French document is ragged on the left)."""
        direction = direction_of(text) if lines > 1 else None
        if direction is None:
            return self.side
        return "R" if direction == "rtl" else "L"

    @property
    def side(self) -> str:
        return "R" if self.rtl else "L"

    def _room(self, height: float) -> None:
        """A new page if `height` millimetres do not fit on this one."""
        if self.pdf.get_y() + height > self.bottom:
            self.new_page()

    @property
    def bottom(self) -> float:
        """Where the text of this page ends (the footer is under it)."""
        return self.pdf.h - 18

    def turn(self, orientation: str) -> None:
        """Go on on a new page turned "L" (landscape: for wide tables) or "P" (portrait)."""
        if orientation != self.orientation:
            self.orientation = orientation
            self.pdf.add_page(orientation=orientation)

    def new_page(self) -> None:
        self.pdf.add_page(orientation=self.orientation)
        if self._header is not None:
            self._header_row(*self._header)

    def space(self, height: float = 2.0) -> None:
        if self.pdf.get_y() + height <= self.bottom:
            self.pdf.set_y(self.pdf.get_y() + height)

    def paragraph(self, text: str, style: Style = Style(), *, indent: float = 0.0) -> None:
        width = self.pdf.epw - indent
        x = self.pdf.l_margin + (0.0 if self.rtl else indent)
        lines = self.wrap(text, width, style)
        align = self._align(text, len(lines))
        for line in lines:
            self._room(style.line)
            self._line(x, self.pdf.get_y(), width, line, style, align)
            self.pdf.set_y(self.pdf.get_y() + style.line)

    def title(self, text: str, subtitle: str = "") -> None:
        self.paragraph(text, Style(17, True, ACCENT))
        if subtitle:
            self.paragraph(subtitle, Style(12, False, MUTED))
        self.space(3)

    def heading(self, text: str, level: int = 1, color: tuple[int, int, int] = ACCENT) -> None:
        style = Style(13 if level == 1 else 10.5, True, color)
        # never a heading alone at the foot of a page: room for it and the start of what follows
        self.keep(self.heading_height(level) + 6 * Style().line)
        self.space(3 if level == 1 else 1.5)
        self.paragraph(text, style)
        if level == 1:
            y = self.pdf.get_y() + 0.6
            self.pdf.set_draw_color(*ACCENT)
            self.pdf.set_line_width(0.4)
            self.pdf.line(self.pdf.l_margin, y, self.pdf.l_margin + self.pdf.epw, y)
            self.pdf.set_y(y + 1.6)
        self.space(0.8)

    def fields(self, rows: Sequence[tuple[str, str]], label_share: float = 0.32) -> None:
        """Label and value pairs, one row each, the labels in a narrower column."""
        label, value = Style(BODY, True, MUTED), Style(BODY)
        self.table(
            [],
            [list(row) for row in rows],
            [label_share, 1 - label_share],
            styles=[label, value],
        )

    def fields_height(self, rows: Sequence[tuple[str, str]], label_share: float = 0.32) -> float:
        """How tall `fields(rows, label_share)` is drawn (with the space under it)."""
        styles = [Style(BODY, True, MUTED), Style(BODY)]
        cells = [list(row) for row in rows]
        widths = self._widths_for([], cells, [label_share, 1 - label_share], styles[0], styles)
        return sum(self._row_height(row, widths, styles) for row in cells) + 2.5

    def heading_height(self, level: int = 1) -> float:
        """How tall a heading of `level` is drawn, on one line, with the space around it."""
        style = Style(13 if level == 1 else 10.5, True)
        return (3 if level == 1 else 1.5) + style.line + (2.2 if level == 1 else 0) + 0.8

    def keep(self, height: float) -> None:
        """What follows (`height` millimetres) starts on a new page unless it fits on this one;
        taller than a page, it starts here."""
        if height <= self.bottom - self.pdf.t_margin:
            self._room(height)

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        weights: Sequence[float],
        *,
        size: float = BODY,
        styles: Sequence[Style] | None = None,
        footer: Sequence[str] | None = None,
        details: Collection[int] = (),
    ) -> None:
        """A table filling the page's width, columns in proportion to `weights` but each as wide
        as its widest word when the page allows it; cells wrap between words; a row that does not
        fit goes on the next page (split over two only when it is tall), under the header again.
        `footer`: a last row in bold (totals). `details`: indexes of rows that detail the row
        above them (its parts), drawn lighter: they are not added to the column's total."""
        cell_styles = list(styles or [Style(size)] * len(weights))
        head = Style(size, True, ACCENT)
        lighter = [Style(s.size, s.bold, MUTED) for s in cell_styles]
        widths = self._widths_for(headers, rows, weights, head, cell_styles)
        if headers:  # never a header alone at the foot of a page: its first row comes with it
            first = [self._row_height(list(rows[0]), widths, cell_styles)] if rows else []
            self.keep(self._row_height(list(headers), widths, [head] * len(widths)) + sum(first))
            self._header_row(list(headers), widths, head)
            self._header = (list(headers), widths, head)
        for index, row in enumerate(rows):
            self._row(list(row), widths, lighter if index in details else cell_styles)
        if footer is not None:
            bold = [Style(s.size, True, s.color) for s in cell_styles]
            self._row(list(footer), widths, bold)
        self._header = None
        self.space(2.5)

    def _widths_for(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        weights: Sequence[float],
        head: Style,
        styles: Sequence[Style],
    ) -> list[float]:
        """Widths in proportion to `weights`, but each column at least as wide as the widest
        word of its header and cells (what it lacks is taken from the columns with room to
        spare). When the page is too narrow for that, at least as wide as its header's words and
        its numbers and amounts; when it is too narrow even for those, as `weights` say (and a
        word too wide for its column is cut)."""
        total = sum(weights)
        widths = [self.pdf.epw * w / total for w in weights]
        columns = [[*([h] if headers else []), *(row[i] for row in rows)] for i, h in
                   enumerate(headers or [""] * len(weights))]  # fmt: skip
        want, must = [], []
        for index, cells in enumerate(columns):
            wide = strict = 0.0
            for number, cell in enumerate(cells):
                header = bool(headers) and number == 0
                style = head if header else styles[index]
                for word in words(printable(cell)):
                    if len(word) > LONGEST_WORD:
                        continue
                    size = self._word_width(word, style)
                    wide = max(wide, size)
                    if header or any(ch.isdigit() for ch in word):
                        strict = max(strict, size)
            margins = 2 * self.pdf.c_margin + 0.05  # and a hair, against rounding
            want.append(max(wide, strict) + margins)
            must.append(strict + margins)
        for least in (want, must):
            if sum(least) <= self.pdf.epw:
                return _widen(widths, least)
        return widths

    def _word_width(self, word: str, style: Style) -> float:
        shaped = needs_shaping(word)
        key = ("B" if style.bold else "", style.size, shaped, word)
        width = _WIDTHS.get(key)
        if width is None:
            self._use(style, word)
            width = self._width(word, style, shaped)
        return width

    def _header_row(self, headers: list[str], widths: list[float], style: Style) -> None:
        self._row(headers, widths, [style] * len(headers), fill=HEAD_FILL, repeat=False)

    def _row_height(self, cells: list[str], widths: list[float], styles: list[Style]) -> float:
        wrapped = [self.wrap(text, w, s) for text, w, s in zip(cells, widths, styles, strict=True)]
        return max(len(lines) for lines in wrapped) * max(s.line for s in styles) + 1.0

    def _row(
        self,
        cells: list[str],
        widths: list[float],
        styles: list[Style],
        *,
        fill: tuple[int, int, int] | None = None,
        repeat: bool = True,
    ) -> None:
        wrapped = [self.wrap(text, w, s) for text, w, s in zip(cells, widths, styles, strict=True)]
        aligns = [self._align(text, len(lines)) for text, lines in zip(cells, wrapped, strict=True)]
        line = max(s.line for s in styles)
        count = max(len(lines) for lines in wrapped)
        short = count * line + 1 <= KEEP_ROW * (self.bottom - self.pdf.t_margin)
        if short and self.pdf.get_y() + count * line + 1 > self.bottom:
            self._break(repeat)  # a short row is never split over two pages
        done = 0
        while done < count:
            if self.pdf.get_y() + line + 1 > self.bottom:
                self._break(repeat)
            fits = int((self.bottom - self.pdf.get_y() - 1) // line)
            part = min(count - done, max(fits, 1))
            self._row_part(wrapped, aligns, widths, styles, (done, part), line, fill)
            done += part

    def _break(self, repeat: bool) -> None:
        """A new page, under the table's header again (`repeat`: this row is not the header)."""
        if repeat:
            self.new_page()
        else:
            self.pdf.add_page(orientation=self.orientation)

    def _row_part(self, wrapped, aligns, widths, styles, lines, line, fill) -> None:
        """Lines `start` to `start + count` of a row's cells. The cells are drawn in their own
        order (the label before its value, whichever side it stands on), so that a text
        extractor reads them in that order too."""
        start, count = lines
        top = self.pdf.get_y()
        height = count * line + 1.0
        order = list(range(len(widths)))
        if self.rtl:
            order.reverse()
        lefts, x = {}, self.pdf.l_margin
        for index in order:
            lefts[index] = x
            x += widths[index]
        self.pdf.set_draw_color(*RULE)
        self.pdf.set_line_width(0.2)
        for index, width in enumerate(widths):
            x = lefts[index]
            if fill is not None:
                self.pdf.set_fill_color(*fill)
                self.pdf.rect(x, top, width, height, style="DF")
            else:
                self.pdf.rect(x, top, width, height)
            for n, text in enumerate(wrapped[index][start : start + count]):
                if text:
                    y = top + 0.5 + n * line + (line - styles[index].line) / 2
                    self._line(x, y, width, text, styles[index], aligns[index])
        self.pdf.set_y(top + height)

    def draw_footer(self) -> None:
        left, right = self.footer(self.pdf.page_no())
        if self.rtl:
            left, right = right, left
        style = Style(SMALL, False, MUTED)
        y = self.pdf.h - 12
        self.pdf.set_draw_color(*RULE)
        self.pdf.set_line_width(0.2)
        self.pdf.line(self.pdf.l_margin, y - 1, self.pdf.l_margin + self.pdf.epw, y - 1)
        half = self.pdf.epw / 2
        self._line(self.pdf.l_margin, y, half, left, style, "L")
        self._line(self.pdf.l_margin + half, y, half, right, style, "R")

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _widen(widths: list[float], least: list[float]) -> list[float]:
    """`widths` with each column brought up to its `least`, what that costs taken from the
    columns above theirs in proportion to their room to spare (`sum(least)` fits the page)."""
    short = sum(max(m - w, 0.0) for m, w in zip(least, widths, strict=True))
    if short <= 0:
        return widths
    spare = sum(max(w - m, 0.0) for m, w in zip(least, widths, strict=True))
    return [
        m if w <= m else w - (w - m) * short / spare for m, w in zip(least, widths, strict=True)
    ]
