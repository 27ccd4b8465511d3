"""The App Home tab."""

from __future__ import annotations

from datetime import date

from bot.blocks import ids
from bot.blocks.home import home_view
from storage.models import Health
from tests.bot.blocks_support import LONG_TITLE, assert_view, dump, elements, many, summary


def test_home_shows_my_goals_and_the_buttons() -> None:
    view = home_view(my_goals=[summary(12), summary(13, stale=True)], pending_checkin=True)
    assert_view(view)
    assert view["type"] == "home"
    assert view["blocks"][0]["text"]["text"] == "Your goals"
    buttons = [e["action_id"] for e in elements(view["blocks"]) if e["type"] == "button"]
    assert buttons == [ids.OPEN_CHECKIN, ids.HOME_NEW_GOAL]
    shown = dump(view)
    assert "Your check-in is waiting" in shown
    assert "*G-12*" in shown and "*G-13*" in shown
    assert "▓▓▓▓░░░░░░ 42%" in shown
    assert "⏸ stale" in shown
    assert "updated <!date^" in shown
    assert "2 goals · ⏸ 1 stale" in shown


def test_home_without_a_pending_checkin_or_goals_says_what_to_do() -> None:
    view = home_view(my_goals=[], pending_checkin=False)
    assert_view(view)
    buttons = [e["action_id"] for e in elements(view["blocks"])]
    assert buttons == [ids.HOME_NEW_GOAL]
    assert "You don't own any goals yet" in dump(view)


def test_home_when_away() -> None:
    view = home_view(my_goals=[summary()], pending_checkin=False, is_away_until=date(2027, 2, 1))
    assert_view(view)
    assert "away until 2027-02-01" in dump(view)
    assert "/goal resume" in dump(view)


def test_home_for_a_lead_shows_each_unit_with_exceptions_first() -> None:
    sales = [summary(1), summary(2, reported_health=Health.OFF_TRACK)]
    view = home_view(
        my_goals=[summary(9)], pending_checkin=False, led_units=[("Sales", sales), ("EMEA", [])]
    )
    assert_view(view)
    shown = dump(view)
    assert "Your units" in shown
    sales_lines = next(
        block["text"]["text"]
        for block in view["blocks"]
        if block.get("text", {}).get("text", "").startswith("🔴")
    )
    assert sales_lines.index("*G-2*") < sales_lines.index("*G-1*")
    assert "*EMEA*\\nNo goals yet" in shown


def test_home_never_exceeds_100_blocks() -> None:
    units = [(f"Unit {n}", many(25, start=n * 100, title=LONG_TITLE)) for n in range(60)]
    view = home_view(
        my_goals=many(200, title=LONG_TITLE),
        pending_checkin=True,
        led_units=units,
        is_away_until=date(2027, 2, 1),
    )
    assert_view(view)
    assert len(view["blocks"]) <= 100
    shown = dump(view)
    assert "…and 171 more (see /goal list mine)" in shown
    assert "…and 15 more (see /goal list UNIT)" in shown
    assert "more units (see /goal list UNIT)" in view["blocks"][-1]["elements"][0]["text"]
