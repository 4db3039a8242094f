"""Mute timings: ``alerts/mute-timings/<name>.yaml``, one ``grafana_mute_timing`` each (maintenance windows).

::

    name: maintenance-window          # optional; default: the file name
    intervals:                        # muted while any interval matches
      - weekdays: [sunday]            # names or ranges ("monday:friday")
        times: [{start: "02:00", end: "04:00"}]
        location: Europe/Berlin       # IANA time zone; default UTC
        # also: days_of_month ["1:7", "-1"], months ["may:august", "12"], years ["2026:2027"]

Policies name them in ``mute_timings``. They are the same in every environment.
"""
from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from ..yaml_io import Fields, display_path, load_yaml
from .names import check_name, unique_by_name, yaml_files

WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


@dataclass(frozen=True)
class TimeRange:
    start: str
    end: str


@dataclass(frozen=True)
class Interval:
    times: tuple[TimeRange, ...] = ()
    weekdays: tuple[str, ...] = ()
    days_of_month: tuple[str, ...] = ()
    months: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    location: str | None = None


@dataclass(frozen=True)
class MuteTiming:
    name: str
    file: str
    intervals: tuple[Interval, ...]


def _day_of_month(text: str) -> bool:
    return bool(re.fullmatch(r"-?\d{1,2}", text)) and 1 <= abs(int(text)) <= 31


def _month(text: str) -> bool:
    return text.lower() in MONTHS or (text.isdigit() and 1 <= int(text) <= 12)


_CHECKS = {
    "weekdays": (lambda t: t.lower() in WEEKDAYS, "a weekday name or range such as monday:friday"),
    "days_of_month": (_day_of_month, "a day 1..31 (or -31..-1 from the month's end) or a range such as 1:7"),
    "months": (_month, "a month name or number, or a range such as may:august"),
    "years": (lambda t: bool(re.fullmatch(r"\d{4}", t)), "a year or a range such as 2026:2027"),
}


def _ranges(fields: Fields, key: str) -> tuple[str, ...]:
    check, expected = _CHECKS[key]
    values = fields.str_list(key, [])
    for index, value in enumerate(values):
        parts = value.split(":")
        if len(parts) > 2 or not all(check(part) for part in parts):
            raise UserError(fields.where, f"{fields.path(key)}[{index}]", f"expected {expected}, got {value!r}")
    return tuple(values)


def _times(fields: Fields) -> tuple[TimeRange, ...]:
    result = []
    for item in fields.items("times"):
        item.only(("start", "end"))
        start, end = item.str("start"), item.str("end")
        for key, value in (("start", start), ("end", end)):
            if not _TIME.match(value):
                raise item.error(key, f"expected a time of day as hh:mm (00:00 to 24:00), got {value!r}")
        if start >= end:
            raise item.error("end", f"must be after start ({start}); split a range over midnight in two")
        result.append(TimeRange(start, end))
    return tuple(result)


def _location(fields: Fields) -> str | None:
    location = fields.str("location", None)
    known = zoneinfo.available_timezones()
    if location is not None and known and location not in known:
        raise fields.error("location", f"unknown IANA time zone {location!r}")
    return location


def parse_interval(fields: Fields) -> Interval:
    fields.only(("times", "weekdays", "days_of_month", "months", "years", "location"))
    interval = Interval(times=_times(fields), weekdays=_ranges(fields, "weekdays"),
                        days_of_month=_ranges(fields, "days_of_month"), months=_ranges(fields, "months"),
                        years=_ranges(fields, "years"), location=_location(fields))
    if interval == Interval(location=interval.location):
        raise UserError(fields.where, fields.prefix, "an interval without times, weekdays, days, months or years "
                                                     "would mute all the time")
    return interval


def parse_mute_timing(data: object, where: str, default_name: str) -> MuteTiming:
    fields = Fields(data, where)
    fields.only(("name", "intervals"))
    name = check_name(fields.str("name", default_name), where, "name", "mute timing")
    items = fields.items("intervals")
    if not items:
        raise fields.error("intervals", "is required: at least one time interval")
    return MuteTiming(name=name, file=where, intervals=tuple(parse_interval(i) for i in items))


def load_mute_timings(directory: Path) -> tuple[MuteTiming, ...]:
    files = yaml_files(directory)
    return unique_by_name((parse_mute_timing(load_yaml(p), display_path(p), p.stem) for p in files), "mute timing")
