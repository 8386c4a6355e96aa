"""Japanese fiscal years (April to March, Japan time) and era dates (和暦)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.dates import fiscal_year, fiscal_year_bounds, wareki, wareki_fiscal_year

pytestmark = pytest.mark.unit

JST = ZoneInfo("Asia/Tokyo")
UTC = dt.UTC


@pytest.mark.parametrize(
    "day,year",
    [
        (dt.date(2027, 3, 31), 2026),
        (dt.date(2027, 4, 1), 2027),
        (dt.date(2026, 4, 1), 2026),
        (dt.date(2026, 12, 31), 2026),
        (dt.date(2027, 1, 1), 2026),
    ],
)
def test_fiscal_year_of_a_date(day, year):
    assert fiscal_year(day) == year


@pytest.mark.parametrize(
    "moment,year",
    [
        (dt.datetime(2027, 3, 31, 23, 59, 59, tzinfo=JST), 2026),
        (dt.datetime(2027, 4, 1, 0, 0, tzinfo=JST), 2027),
        # 15:00 UTC on 31 March is already 1 April 00:00 in Japan.
        (dt.datetime(2027, 3, 31, 15, 0, tzinfo=UTC), 2027),
        (dt.datetime(2027, 3, 31, 14, 59, 59, tzinfo=UTC), 2026),
        # 1 April in UTC but still 31 March nowhere near: 1 April 08:59 JST is fiscal 2027 too.
        (dt.datetime(2027, 3, 31, 23, 59, tzinfo=UTC), 2027),
    ],
)
def test_fiscal_year_of_an_aware_moment_is_decided_in_japan_time(moment, year):
    assert fiscal_year(moment) == year


def test_fiscal_year_of_a_naive_datetime_reads_it_as_local():
    assert fiscal_year(dt.datetime(2027, 3, 31, 23, 59)) == 2026
    assert fiscal_year(dt.datetime(2027, 4, 1, 0, 0)) == 2027


def test_fiscal_year_of_now_follows_the_clock_in_japan():
    with time_machine.travel(dt.datetime(2027, 3, 31, 23, 59, tzinfo=JST), tick=False):
        assert fiscal_year() == 2026
    with time_machine.travel(dt.datetime(2027, 4, 1, 0, 0, tzinfo=JST), tick=False):
        assert fiscal_year() == 2027


def test_fiscal_year_bounds():
    assert fiscal_year_bounds(2026) == (dt.date(2026, 4, 1), dt.date(2027, 3, 31))
    first, last = fiscal_year_bounds(2027)
    assert fiscal_year(first) == fiscal_year(last) == 2027
    assert fiscal_year(first - dt.timedelta(days=1)) == 2026


@pytest.mark.parametrize(
    "day,text",
    [
        (dt.date(2019, 4, 30), "平成31年4月30日"),
        (dt.date(2019, 5, 1), "令和元年5月1日"),
        (dt.date(2020, 1, 1), "令和2年1月1日"),
        (dt.date(2026, 11, 26), "令和8年11月26日"),
        (dt.date(1989, 1, 7), "昭和64年1月7日"),
        (dt.date(1989, 1, 8), "平成元年1月8日"),
    ],
)
def test_wareki(day, text):
    assert wareki(day) == text


def test_wareki_in_english():
    assert wareki(dt.date(2026, 11, 26), english=True) == "November 26, Reiwa 8"
    assert wareki(dt.date(2019, 4, 30), english=True) == "April 30, Heisei 31"


def test_wareki_before_showa_is_refused():
    with pytest.raises(ValueError):
        wareki(dt.date(1926, 12, 24))


@pytest.mark.parametrize(
    "year,text",
    [
        (2026, "令和8年度"),
        (2019, "令和元年度"),
        (2020, "令和2年度"),
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
    ],
)
def test_wareki_fiscal_year(year, text):
    assert wareki_fiscal_year(year) == text
