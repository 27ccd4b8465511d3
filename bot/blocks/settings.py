"""The workspace settings modal and the parser of its submission."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from bot.blocks import ids
from bot.blocks.inputs import (
    Values,
    picked,
    radio_buttons,
    selected_value,
    static_select,
    text_input,
    text_value,
    timepicker,
)
from bot.blocks.kit import Block, input_block, plain
from bot.blocks.limits import INPUT_MAX_LENGTH
from bot.blocks.parsing import shown
from bot.domain.workspace import WorkspaceSettings
from storage.models import Cadence, Workspace

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CADENCES = (
    (Cadence.WEEKLY.value, "Every week"),
    (Cadence.BIWEEKLY.value, "Every other week"),
    (Cadence.MONTHLY.value, "Every month"),
)
ESCALATION = (("on", "On: tell the lead after repeated missed check-ins"), ("off", "Off"))
TIMEZONE_MAX = 64
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def settings_modal(ws: Workspace) -> dict[str, Any]:
    """The settings form, filled in with the workspace's current settings."""
    return {
        "type": "modal",
        "callback_id": ids.SETTINGS_VIEW,
        "title": plain("goalbot settings"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": [*_calendar_blocks(ws), *_rhythm_blocks(ws)],
    }


def _calendar_blocks(ws: Workspace) -> list[Block]:
    timezone = text_input(initial=ws.timezone, max_length=TIMEZONE_MAX)
    months = [(str(number), name) for number, name in enumerate(MONTHS, start=1)]
    fy_start = static_select(months, initial=str(ws.fiscal_year_start_month))
    holidays = text_input(initial=holidays_text(ws.holidays), multiline=True)
    tz_hint = "An IANA name, like Europe/Berlin or America/New_York."
    return [
        input_block(ids.SETTINGS_TIMEZONE, "Time zone", timezone, hint=tz_hint),
        input_block(ids.SETTINGS_FY_START, "Fiscal year starts in", fy_start),
        input_block(
            ids.SETTINGS_HOLIDAYS,
            "Holidays",
            holidays,
            optional=True,
            hint="One YYYY-MM-DD a line.",
        ),
    ]


def _rhythm_blocks(ws: Workspace) -> list[Block]:
    escalation = "on" if ws.escalation_enabled else "off"
    return [
        input_block(ids.SETTINGS_CADENCE, "Check-ins", static_select(CADENCES, initial=ws.cadence)),
        input_block(ids.SETTINGS_CHECKIN_WEEKDAY, "Check-in day", _weekday(ws.checkin_weekday)),
        input_block(ids.SETTINGS_CHECKIN_TIME, "Check-in time", _time(ws.checkin_time)),
        input_block(ids.SETTINGS_DIGEST_WEEKDAY, "Digest day", _weekday(ws.digest_weekday)),
        input_block(ids.SETTINGS_DIGEST_TIME, "Digest time", _time(ws.digest_time)),
        input_block(
            ids.SETTINGS_ESCALATION, "Escalation", radio_buttons(ESCALATION, initial=escalation)
        ),
    ]


def _weekday(initial: int) -> Block:
    return static_select([(str(n), name) for n, name in enumerate(WEEKDAYS)], initial=str(initial))


def _time(initial: str) -> Block:
    return timepicker(initial_time=initial if _TIME.match(initial) else None)


def holidays_text(holidays: list[str]) -> str:
    """Holidays one a line, sorted; when they overflow the input, the latest that fit."""
    lines = sorted(set(holidays))
    while lines and len("\n".join(lines)) > INPUT_MAX_LENGTH:
        lines.pop(0)
    return "\n".join(lines)


def parse_settings(values: Values) -> tuple[WorkspaceSettings | None, dict[str, str]]:
    """A submitted settings form, or errors by block id."""
    errors: dict[str, str] = {}
    timezone = _timezone(values, errors)
    fy_start = _choice(values, ids.SETTINGS_FY_START, range(1, 13), "Choose a month.", errors)
    cadence = _cadence(values, errors)
    checkin_day = _choice(values, ids.SETTINGS_CHECKIN_WEEKDAY, range(7), "Choose a day.", errors)
    digest_day = _choice(values, ids.SETTINGS_DIGEST_WEEKDAY, range(7), "Choose a day.", errors)
    checkin_time = _clock_time(values, ids.SETTINGS_CHECKIN_TIME, errors)
    digest_time = _clock_time(values, ids.SETTINGS_DIGEST_TIME, errors)
    holidays = _holidays(values, errors)
    if errors or fy_start is None or cadence is None or checkin_day is None or digest_day is None:
        return None, errors
    return WorkspaceSettings(
        timezone=timezone,
        fiscal_year_start_month=fy_start,
        cadence=cadence,
        checkin_weekday=checkin_day,
        checkin_time=checkin_time,
        digest_weekday=digest_day,
        digest_time=digest_time,
        holidays=holidays,
        escalation_enabled=selected_value(values, ids.SETTINGS_ESCALATION) != "off",
    ), {}


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _timezone(values: Values, errors: dict[str, str]) -> str:
    raw = text_value(values, ids.SETTINGS_TIMEZONE)
    if raw not in _known_zones():
        shown_raw = shown(raw) if raw else "An empty name"
        errors[ids.SETTINGS_TIMEZONE] = (
            f"{shown_raw} is not a time zone I know: use an IANA name like Europe/Berlin."
        )
    return raw


def _choice(
    values: Values, block_id: str, allowed: range, problem: str, errors: dict[str, str]
) -> int | None:
    raw = selected_value(values, block_id)
    if raw is None or not raw.isdigit() or int(raw) not in allowed:
        errors[block_id] = problem
        return None
    return int(raw)


def _cadence(values: Values, errors: dict[str, str]) -> Cadence | None:
    raw = selected_value(values, ids.SETTINGS_CADENCE)
    if raw not in {cadence.value for cadence in Cadence}:
        errors[ids.SETTINGS_CADENCE] = "Choose how often owners are asked."
        return None
    return Cadence(raw)


def _clock_time(values: Values, block_id: str, errors: dict[str, str]) -> str:
    raw = picked(values, block_id, "selected_time") or text_value(values, block_id)
    if not raw:
        errors[block_id] = "Pick a time."
    elif not _TIME.match(raw):
        errors[block_id] = f"{shown(raw)} is not a time: use HH:MM, like 10:00."
    return raw


def _holidays(values: Values, errors: dict[str, str]) -> tuple[str, ...]:
    days: set[str] = set()
    lines = text_value(values, ids.SETTINGS_HOLIDAYS).splitlines()
    for number, line in enumerate((line.strip() for line in lines), start=1):
        if not line:
            continue
        day = _iso_date(line)
        if day is None:
            errors[ids.SETTINGS_HOLIDAYS] = (
                f"Line {number}: {shown(line)} is not a date: write it as YYYY-MM-DD."
            )
            break
        days.add(day)
    return tuple(sorted(days))


def _iso_date(text: str) -> str | None:
    if not _DATE.match(text):
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None
