"""Every message and view stays inside Slack's limits for an owner with 200 goals and a lead
with 500 people's goals, long titles and long notes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from bot.blocks import checkin, common, goals, home, new_goal, settings
from bot.blocks.limits import MESSAGE_BLOCKS, VIEW_BLOCKS
from bot.blocks.message import Message
from bot.domain.goals import (
    ClosedGoal,
    CreatedGoal,
    GoalDetails,
    GoalSummary,
    RecordedUpdate,
)
from tests.bot.blocks_support import (
    LONG_NOTE,
    LONG_TITLE,
    NOW,
    assert_message,
    assert_view,
    csf,
    details,
    goal,
    many,
    update,
    workspace,
)

OWNER_GOALS = 200
LEAD_PEOPLE = 500


def lead_units() -> list[tuple[str, list[GoalSummary]]]:
    """500 people's goals (two each) in 25 units."""
    goals = many(2 * LEAD_PEOPLE, start=1000, title=LONG_TITLE)
    return [(f"Team {n} {LONG_TITLE}", goals[n * 40 : (n + 1) * 40]) for n in range(25)]


def test_every_message_fits_for_a_big_owner_and_a_big_lead() -> None:
    for message in every_message(many(OWNER_GOALS, title=LONG_TITLE), lead_units()):
        assert_message(message)
        assert len(message.blocks) <= MESSAGE_BLOCKS


def test_every_view_fits_for_a_big_owner_and_a_big_lead() -> None:
    for view in every_view(many(OWNER_GOALS, title=LONG_TITLE), lead_units()):
        assert_view(view)
        assert len(view["blocks"]) <= VIEW_BLOCKS


def test_every_message_and_view_fits_with_no_goals_at_all() -> None:
    for message in every_message([], []):
        assert_message(message)
    for view in every_view([], []):
        assert_view(view)


Units = Sequence[tuple[str, Sequence[GoalSummary]]]


def every_message(mine: Sequence[GoalSummary], units: Units) -> list[Message]:
    """One of each message, as large as the goals make it."""
    everyone = [goal for _, unit_goals in units for goal in unit_goals]
    recorded = [(f"{g.label} {g.title}", LONG_NOTE[:500]) for g in mine]
    return [
        common.help_message(LONG_NOTE),
        common.error_message(LONG_NOTE),
        common.confirmation_message(LONG_NOTE, details=[LONG_NOTE] * 100),
        goals.goal_list_message(LONG_TITLE, everyone),
        goals.goal_details_message(_details(everyone)),
        goals.tree_message([(n % 7, g) for n, g in enumerate(everyone)], LONG_TITLE),
        goals.goal_created_message(CreatedGoal(goal(1), (LONG_NOTE,) * 10)),
        goals.csf_list_message(LONG_TITLE, "2027-Q1", [csf(n, LONG_TITLE) for n in range(1, 60)]),
        goals.goal_closed_message(ClosedGoal(goal(1), goal(2))),
        goals.update_recorded_message("G-1", RecordedUpdate(update(), 0.5)),
        checkin.checkin_message(owner_name=LONG_TITLE, goals=mine, delivery_id=1, folded=3),
        checkin.checkin_answered_message(
            owner_name="Dana", recorded=recorded, delivery_id=1, undo=True
        ),
        checkin.checkin_away_message(owner_name="Dana", delivery_id=1, until=date(2027, 2, 1)),
        checkin.pick_goal_message(value_text=LONG_NOTE, goals=mine, reply_key="E" * 100),
        checkin.typed_updates_confirmation(recorded, [LONG_NOTE] * 200),
        checkin.escalation_message(lead_name=LONG_TITLE, owner_slack_id="U1", missed=4),
    ]


def every_view(mine: Sequence[GoalSummary], units: Units) -> list[dict[str, Any]]:
    """One of each view, as large as the goals make it."""
    many_units = [(f"unit-{n}", f"Unit {n} {LONG_TITLE}") for n in range(20 * len(units))]
    return [
        new_goal.new_goal_modal(
            units=many_units,
            default_unit="unit-1",
            period="2027-Q1",
            owner_slack_id="U1",
            title=LONG_TITLE,
            csfs=[(n, LONG_TITLE) for n in range(300)],
            private_metadata="m" * 3000,
        ),
        settings.settings_modal(workspace()),
        home.home_view(
            my_goals=mine, pending_checkin=True, led_units=units, is_away_until=date(2027, 2, 1)
        ),
        checkin.checkin_update_modal(goals=mine, delivery_id=1),
    ]


def _details(children: Sequence[GoalSummary]) -> GoalDetails:
    updates = tuple(
        update(float(n), note=LONG_NOTE, blocker=True, created_at=NOW - timedelta(days=n))
        for n in range(50)
    )
    return details(
        goal=goal(1, title=LONG_TITLE, description=LONG_NOTE),
        children=tuple(children),
        updates=updates,
    )
