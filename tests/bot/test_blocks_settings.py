"""The settings modal and its parser."""

from __future__ import annotations

from typing import Any

import pytest

from bot.blocks import ids
from bot.blocks.settings import holidays_text, parse_settings, settings_modal
from bot.domain.workspace import WorkspaceSettings
from storage.models import Cadence
from tests.bot.blocks_support import assert_view, picked_state, select_state, text_state, workspace


def by_id(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    element: dict[str, Any] = next(
        block for block in view["blocks"] if block.get("block_id") == block_id
    )["element"]
    return element


def test_settings_modal_is_filled_in_with_the_current_settings() -> None:
    ws = workspace(
        timezone="Europe/Berlin",
        fiscal_year_start_month=4,
        cadence=Cadence.BIWEEKLY,
        checkin_weekday=2,
        checkin_time="09:30",
        digest_weekday=0,
        digest_time="08:00",
        holidays=["2027-12-25", "2027-01-01"],
        escalation_enabled=False,
    )
    view = settings_modal(ws)
    assert_view(view)
    assert view["callback_id"] == ids.SETTINGS_VIEW
    assert by_id(view, ids.SETTINGS_TIMEZONE)["initial_value"] == "Europe/Berlin"
    assert by_id(view, ids.SETTINGS_FY_START)["initial_option"]["text"]["text"] == "April"
    assert by_id(view, ids.SETTINGS_CADENCE)["initial_option"]["value"] == "biweekly"
    assert (
        by_id(view, ids.SETTINGS_CHECKIN_WEEKDAY)["initial_option"]["text"]["text"] == "Wednesday"
    )
    assert by_id(view, ids.SETTINGS_CHECKIN_TIME)["initial_time"] == "09:30"
    assert by_id(view, ids.SETTINGS_DIGEST_WEEKDAY)["initial_option"]["text"]["text"] == "Monday"
    assert by_id(view, ids.SETTINGS_DIGEST_TIME)["type"] == "timepicker"
    assert by_id(view, ids.SETTINGS_HOLIDAYS)["initial_value"] == "2027-01-01\n2027-12-25"
    assert by_id(view, ids.SETTINGS_ESCALATION)["initial_option"]["value"] == "off"


def test_thousands_of_holidays_keep_the_latest_that_fit() -> None:
    days = [f"{year}-01-{day:02d}" for year in range(2000, 2040) for day in range(1, 29)]
    text = holidays_text(days)
    assert len(text) <= 3000
    assert text.endswith("2039-01-28")
    assert_view(settings_modal(workspace(holidays=days)))


def submission(**overrides: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {
        ids.SETTINGS_TIMEZONE: text_state("America/New_York"),
        ids.SETTINGS_FY_START: select_state("4"),
        ids.SETTINGS_CADENCE: select_state("monthly"),
        ids.SETTINGS_CHECKIN_WEEKDAY: select_state("0"),
        ids.SETTINGS_CHECKIN_TIME: picked_state("selected_time", "10:15"),
        ids.SETTINGS_DIGEST_WEEKDAY: select_state("4"),
        ids.SETTINGS_DIGEST_TIME: picked_state("selected_time", "16:00"),
        ids.SETTINGS_HOLIDAYS: text_state("2027-12-25\n\n 2027-01-01 \n2027-12-25"),
        ids.SETTINGS_ESCALATION: select_state("on"),
    }
    values.update(overrides)
    return values


def test_parse_settings() -> None:
    assert parse_settings(submission()) == (
        WorkspaceSettings(
            timezone="America/New_York",
            fiscal_year_start_month=4,
            cadence=Cadence.MONTHLY,
            checkin_weekday=0,
            checkin_time="10:15",
            digest_weekday=4,
            digest_time="16:00",
            holidays=("2027-01-01", "2027-12-25"),
            escalation_enabled=True,
        ),
        {},
    )


def test_parse_settings_without_holidays_and_escalation_off() -> None:
    parsed, errors = parse_settings(
        submission(
            **{
                ids.SETTINGS_HOLIDAYS: text_state(None),
                ids.SETTINGS_ESCALATION: select_state("off"),
            }
        )
    )
    assert errors == {}
    assert parsed is not None
    assert parsed.holidays == ()
    assert parsed.escalation_enabled is False


@pytest.mark.parametrize(
    ("block_id", "state", "message"),
    [
        (
            ids.SETTINGS_TIMEZONE,
            text_state("Mars/Olympus"),
            "`Mars/Olympus` is not a time zone I know: use an IANA name like Europe/Berlin.",
        ),
        (
            ids.SETTINGS_TIMEZONE,
            text_state(""),
            "An empty name is not a time zone I know: use an IANA name like Europe/Berlin.",
        ),
        (
            ids.SETTINGS_HOLIDAYS,
            text_state("2027-12-25\n2027-13-01"),
            "Line 2: `2027-13-01` is not a date: write it as YYYY-MM-DD.",
        ),
        (
            ids.SETTINGS_HOLIDAYS,
            text_state("20271225"),
            "Line 1: `20271225` is not a date: write it as YYYY-MM-DD.",
        ),
        (
            ids.SETTINGS_CHECKIN_TIME,
            picked_state("selected_time", "25:00"),
            "`25:00` is not a time: use HH:MM, like 10:00.",
        ),
        (ids.SETTINGS_DIGEST_TIME, picked_state("selected_time", None), "Pick a time."),
        (ids.SETTINGS_FY_START, select_state("13"), "Choose a month."),
        (ids.SETTINGS_CHECKIN_WEEKDAY, select_state(None), "Choose a day."),
        (ids.SETTINGS_CADENCE, select_state("daily"), "Choose how often owners are asked."),
    ],
)
def test_parse_settings_errors(block_id: str, state: dict[str, Any], message: str) -> None:
    parsed, errors = parse_settings(submission(**{block_id: state}))
    assert parsed is None
    assert errors == {block_id: message}
