"""Dates as editors write them."""

from __future__ import annotations

import pytest

from plain_pcc.dates import PartialDate


def test_day_and_month_dates() -> None:
    day = PartialDate.parse("2016-11-03")
    assert (day.iso, day.text, day.month_name) == ("2016-11-03", "3 November 2016", "November 2016")
    month = PartialDate.parse(" 2016-03 ")
    assert (month.iso, month.text) == ("2016-03", "March 2016")


@pytest.mark.parametrize("text", ["2016", "3 November 2016", "2016-13", "2016-02-30", "16-11-03"])
def test_bad_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=text.strip()):
        PartialDate.parse(text)


def test_days_between_needs_two_days() -> None:
    issued = PartialDate.parse("2016-11-03")
    assert issued.days_until(PartialDate.parse("2016-12-04")) == 31
    assert issued.days_until(PartialDate.parse("2016-11")) is None
    assert PartialDate.parse("2016-02") < PartialDate.parse("2016-03")
