"""Japanese calendar practice: fiscal years that start in April, and the era (和暦)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

JAPAN = ZoneInfo("Asia/Tokyo")

# (first day, name in Japanese, name in English); newest first.
ERAS = [
    (dt.date(2019, 5, 1), "令和", "Reiwa"),
    (dt.date(1989, 1, 8), "平成", "Heisei"),
    (dt.date(1926, 12, 25), "昭和", "Showa"),
]


def today() -> dt.date:
    """Today in Japan, whatever time zone a request or task has activated."""
    return timezone.now().astimezone(JAPAN).date()


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in Japan (00:00 JST = 15:00 UTC the day before)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=JAPAN)


def fiscal_year(value: dt.date | dt.datetime | None = None) -> int:
    """The Japanese fiscal year (年度) a date falls in: April to March.

    1 April 2026 to 31 March 2027 is fiscal 2026.
    """
    if value is None:
        value = timezone.now()
    if isinstance(value, dt.datetime):
        # Always in Japan time, whatever time zone a request or task has activated.
        value = value.astimezone(JAPAN).date() if timezone.is_aware(value) else value.date()
    return value.year if value.month >= 4 else value.year - 1


def fiscal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a fiscal year."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def wareki(value: dt.date, *, english: bool = False) -> str:
    """A date in the Japanese era, as official letters write it: 令和8年11月26日."""
    for start, name_ja, name_en in ERAS:
        if value >= start:
            year = value.year - start.year + 1
            if english:
                return f"{value:%B} {value.day}, {name_en} {year}"
            year_text = "元" if year == 1 else str(year)
            return f"{name_ja}{year_text}年{value.month}月{value.day}日"
    raise ValueError("Dates before the Showa era are not supported.")


def wareki_fiscal_year(year: int) -> str:
    """A fiscal year in the era: 令和8年度."""
    # Government practice names fiscal 2019 令和元年度 although it began under Heisei.
    for era_start, name_ja, _name_en in ERAS:
        if year >= era_start.year:
            era_year = year - era_start.year + 1
            return f"{name_ja}{'元' if era_year == 1 else era_year}年度"
    raise ValueError("Fiscal years before the Showa era are not supported.")
