"""Charts as inline SVG, drawn on the server: no JavaScript, no external file, any language.

Each function returns SVG markup (a ``SafeString``) that is an image to assistive technology
(``role="img"``), named by its ``<title>`` (``aria-labelledby``) and described by its
``<desc>`` (``aria-describedby``), which states every value in words. The page puts the same
data in a ``<table>`` under the chart.

Layout: one row per item: the label on a line of its own, below it the bar and, at the right
edge, the value. Widths are percentages of the chart's width and text keeps its pixel size, so
a chart fills a 320 px screen or a wide one without shrinking its text, and labels of any
length or script never collide with bars. The value is always written out, so nothing depends on
colour or on judging a bar's length. Colours meet WCAG 2.1 AA: text #1a1a1a (17:1 on white),
bars #0b4f8a (8.1:1 on white, ≥ 3:1 required for graphics), the 100 % track of a percentage
chart outlined in #6b7280 (4.8:1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

INK = "#1a1a1a"
BAR = "#0b4f8a"
TRACK = "#f3f5f8"
TRACK_LINE = "#6b7280"

FONT_SIZE = 14
LABEL_HEIGHT = 20  # the text line above a bar
BAR_HEIGHT = 16
ROW_GAP = 10
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
MIN_VISIBLE = 0.5  # per cent of a full bar: a value above 0 never disappears
BAR_AREA = 72  # per cent of the width the bars may take; the value is written after it


@dataclass(frozen=True)
class Rate:
    """``numerator`` of ``denominator``; ``percent`` is None when there is nothing to divide."""

    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        if not self.denominator:
            return None
        return self.numerator * 100 / self.denominator


def percent(rate: Rate) -> str:
    """12.5% — or "—" when there is nothing to divide."""
    return "—" if rate.percent is None else f"{number(rate.percent, 1)}%"


def number(value: float | None, decimals: int = 0) -> str:
    """1,234 or 12.5 — the same in Japanese and English."""
    if value is None:
        return "—"
    return f"{value:,.{decimals}f}"


def _text(item: Sequence) -> str | None:
    return item[2] if len(item) > 2 and item[2] is not None else None


def _svg(
    chart_id: str, title: str, description: str, height: int, body: str, extra_class: str = ""
) -> SafeString:
    cid = escape(chart_id)
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart{extra_class}" role="img" '
        f'width="100%" height="{height}" aria-labelledby="{cid}-title" '
        f'aria-describedby="{cid}-desc" focusable="false" font-size="{FONT_SIZE}" '
        f'fill="{INK}">'
        f'<title id="{cid}-title">{escape(title)}</title>'
        f'<desc id="{cid}-desc">{escape(description)}</desc>'
        f"{body}</svg>"
    )


def _empty(chart_id: str, title: str, extra_class: str = "") -> SafeString:
    message = _("No data yet.")
    return _svg(
        chart_id,
        title,
        message,
        LABEL_HEIGHT + 8,
        f'<text x="0" y="{FONT_SIZE + 2}">{escape(message)}</text>',
        extra_class,
    )


def _width(value: float, maximum: float) -> float:
    """A bar's width in per cent of the bar area."""
    if maximum <= 0 or value <= 0:
        return 0.0
    return max(MIN_VISIBLE, min(100.0, value * 100 / maximum))


def _row(
    index: int, label: str, text: str, width: float, *, centred: bool = False, track: bool = False
) -> str:
    """The label on its own line; below it the bar (within BAR_AREA per cent of the width)
    and the value written at the right edge."""
    top = index * ROW_HEIGHT
    bar_top = top + LABEL_HEIGHT
    row = f'<text x="0" y="{top + FONT_SIZE + 1}">{escape(label)}</text>'
    if track:
        row += (
            f'<rect x="0.5" y="{bar_top + 0.5}" width="{BAR_AREA}%" '
            f'height="{BAR_HEIGHT - 1}" fill="{TRACK}" stroke="{TRACK_LINE}"/>'
        )
    if width:
        scaled = width * BAR_AREA / 100
        x = (BAR_AREA - scaled) / 2 if centred else 0
        row += (
            f'<rect x="{x:.2f}%" y="{bar_top}" width="{scaled:.2f}%" '
            f'height="{BAR_HEIGHT}" fill="{BAR}"/>'
        )
    row += f'<text x="100%" y="{bar_top + BAR_HEIGHT - 3}" text-anchor="end">{escape(text)}</text>'
    return f"<g>{row}</g>"


def _height(rows: int) -> int:
    return rows * ROW_HEIGHT - ROW_GAP + 2


def _describe(lines: list[str]) -> str:
    return "; ".join(lines) + "." if lines else _("No data yet.")


def bar_chart(
    items: Sequence[tuple],
    *,
    chart_id: str,
    title: str,
    description: str | None = None,
    max_value: float | None = None,
    value_format: Callable[[float], str] = number,
    track: bool = False,
) -> SafeString:
    """Horizontal bars, one per ``(label, value[, text])``.

    ``text`` (optional) is how the value is written; by default ``value_format(value)``.
    ``max_value`` is the value of a full bar (default: the largest value); ``track`` draws the
    full bar's outline behind each bar, for shares of a whole (percentages). A value of None
    is written as "no data" and has no bar. ``description`` replaces the generated text
    alternative ("label: value; …").
    """
    if not items:
        return _empty(chart_id, title)
    values = [item[1] for item in items if item[1] is not None]
    maximum = max_value if max_value is not None else max(values, default=0)
    rows, lines = [], []
    for index, item in enumerate(items):
        label, value = str(item[0]), item[1]
        text = _text(item) or (value_format(value) if value is not None else _("no data"))
        lines.append(f"{label}: {text}")
        rows.append(_row(index, label, text, _width(value or 0, maximum), track=track))
    return _svg(
        chart_id, title, description or _describe(lines), _height(len(items)), "".join(rows)
    )


def funnel_chart(
    items: Sequence[tuple],
    *,
    chart_id: str,
    title: str,
    description: str | None = None,
) -> SafeString:
    """A funnel: one centred bar per stage ``(label, count)``, widths relative to the largest,
    each written with its count and its share of the first stage."""
    if not items:
        return _empty(chart_id, title, " chart-funnel")
    first = items[0][1] or 0
    maximum = max((item[1] or 0 for item in items), default=0)
    rows, lines = [], []
    for index, item in enumerate(items):
        label, value = str(item[0]), item[1] or 0
        share = f" ({number(value * 100 / first, 0)}%)" if first else ""
        lines.append(
            _("%(stage)s: %(count)s (%(percent)s%% of the first stage)")
            % {
                "stage": label,
                "count": number(value),
                "percent": number(value * 100 / first, 1) if first else "0",
            }
        )
        rows.append(
            _row(index, label, f"{number(value)}{share}", _width(value, maximum), centred=True)
        )
    return _svg(
        chart_id,
        title,
        description or _describe(lines),
        _height(len(items)),
        "".join(rows),
        " chart-funnel",
    )
