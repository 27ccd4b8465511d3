"""Goal lists, details, the tree, a created goal, CSF lists and outcomes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.blocks.goals import (
    csf_list_message,
    goal_closed_message,
    goal_created_message,
    goal_details_message,
    goal_list_message,
    tree_message,
    update_recorded_message,
)
from bot.domain.goals import ClosedGoal, CreatedGoal, HealthCheck, RecordedUpdate
from storage.models import GoalStatus, Health
from tests.bot.blocks_support import (
    LONG_TITLE,
    NOW,
    assert_message,
    csf,
    details,
    dump,
    goal,
    many,
    summary,
    unit,
    update,
)


def test_goal_list_shows_each_goal_compactly() -> None:
    message = goal_list_message("Sales goals", [summary(12, title="Win <20> & more")])
    assert_message(message)
    assert message.blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Sales goals", "emoji": True},
    }
    line = message.blocks[2]["text"]["text"]
    assert line.startswith("🟢 on track  *G-12* Win &lt;20&gt; &amp; more\n")
    for part in ("<@U0DANA>", "Sales", "▓▓▓▓░░░░░░ 42%", "8.4 customers", "updated <!date^"):
        assert part in line
    assert message.text == "Sales goals: 1 goal"


def test_goal_list_puts_exceptions_first_and_counts_them() -> None:
    goals = [
        summary(1),
        summary(2, stale=True),
        summary(3, reported_health=Health.AT_RISK),
        summary(4, computed_health=Health.OFF_TRACK),
    ]
    message = goal_list_message("Goals", goals)
    order = [block["text"]["text"].split("*")[1] for block in message.blocks[2:]]
    assert order == ["G-4", "G-3", "G-2", "G-1"]
    assert message.blocks[1]["elements"][0]["text"] == (
        "4 goals · 🔴 1 off track · 🟡 1 at risk · ⏸ 1 stale"
    )
    assert "🟢 on track (numbers: 🔴 off track)" in message.blocks[2]["text"]["text"]


def test_goal_list_flags_blockers_and_goals_without_updates() -> None:
    message = goal_list_message(
        "Goals", [summary(1, blocker=True), summary(2, last_update_at=None, latest_value=None)]
    )
    shown = dump(message.blocks)
    assert "⛔ blocked" in shown
    assert "⚪ no update" in shown
    assert "no update yet" in shown


def test_goal_list_is_cut_to_50_blocks_with_a_hint() -> None:
    message = goal_list_message("Company goals", many(500, title=LONG_TITLE))
    assert_message(message)
    assert len(message.blocks) == 50
    assert message.blocks[-1]["elements"][0]["text"] == (
        "…and 453 more (narrow the list with /goal list UNIT)"
    )


def test_empty_goal_list_says_what_to_do() -> None:
    message = goal_list_message("My goals", [])
    assert_message(message)
    assert "/goal new" in dump(message.blocks)


def test_goal_details_show_fields_chain_children_and_updates() -> None:
    message = goal_details_message(details())
    assert_message(message)
    assert message.blocks[0]["text"]["text"] == "G-12 Goal number 12"
    fields = [field["text"] for field in message.blocks[1]["fields"]]
    assert fields[:3] == ["*Owner*\n<@U0DANA>", "*Unit*\nSales", "*Period*\n2027-Q1"]
    shown = dump(message.blocks)
    for part in (
        "*CSF*\\n#1 Win in DACH",
        "New customers: 0 customers → 20 customers (increase)",
        "*Due*\\n2027-03-31",
        "▓▓▓▓░░░░░░ 42% (expected 50%)",
        "🟢 on track (numbers: 🟡 at risk)",
        "Aligns to *G-3* Grow DACH revenue \u203a *G-1* Double revenue",
        "*Sub-goals (2)*",
        "*G-21*",
        "*8.4 customers* · 🟢 on track · confidence 7/10",
        ">Two pilots signed",
        "⛔ blocker",
        "by <@U0DANA> via check-in button",
    ):
        assert part in shown, part


def test_goal_details_without_metric_parents_or_updates_coach() -> None:
    bare = goal(12, metric_name=None, baseline=None, target=None, due_date=None)
    message = goal_details_message(
        details(goal=bare, csf=None, parents=(), children=(), updates=(), progress=None)
    )
    assert_message(message)
    shown = dump(message.blocks)
    assert "none yet: how will we know?" in shown
    assert "Not aligned yet: `/goal align G-12 to G-…`" in shown
    assert "No updates yet" in shown
    company = goal_details_message(details(parents=(), unit=unit("Acme", parent_id=None)))
    assert "A top-level goal of the company." in dump(company.blocks)


def test_goal_details_show_stale_and_escape_user_text() -> None:
    message = goal_details_message(
        details(
            goal=goal(12, title="A <b> & c", description="<!channel> & go"),
            health=HealthCheck(health=Health.ON_TRACK, stale=True),
        )
    )
    shown = dump(message.blocks)
    assert "⏸ stale" in shown
    assert "&lt;!channel&gt; &amp; go" in shown
    assert message.blocks[0]["text"]["text"] == "G-12 A <b> & c"  # plain text: no escaping


def test_goal_details_with_many_children_and_long_notes_fit() -> None:
    updates = tuple(
        update(float(n), note="long <note> " * 300, blocker=True, created_at=NOW - timedelta(n))
        for n in range(30)
    )
    message = goal_details_message(
        details(children=tuple(many(300, title=LONG_TITLE)), updates=updates)
    )
    assert_message(message)
    shown = dump(message.blocks)
    assert "…and 285 more (see /goal tree)" in shown
    assert shown.count("confidence 7/10") == 5


def test_tree_indents_by_depth_and_shows_rolled_up_progress() -> None:
    rows = [(0, summary(1, rolled_up=0.5)), (1, summary(3, rolled_up=None)), (2, summary(7))]
    message = tree_message(rows, "Goal tree: Acme")
    assert_message(message)
    lines = message.blocks[1]["text"]["text"].split("\n")
    assert lines[0].startswith("🟢 *G-1*")
    assert "▓▓▓▓▓░░░░░ 50%" in lines[0]
    assert lines[1].startswith("\u2003\u2003↳ 🟢 *G-3*")
    assert lines[2].startswith("\u2003" * 4 + "↳ ")
    assert message.text == "Goal tree: Acme: 3 goals"


def test_tree_of_thousands_packs_lines_and_says_and_n_more() -> None:
    rows = [(n % 6, goal_) for n, goal_ in enumerate(many(3000, title=LONG_TITLE))]
    message = tree_message(rows, "Goal tree")
    assert_message(message)
    assert len(message.blocks) == 50
    assert message.blocks[-1]["elements"][0]["text"].endswith(
        "more (narrow the tree with /goal tree UNIT)"
    )
    assert all(len(block["text"]["text"]) <= 3000 for block in message.blocks[1:-1])


def test_empty_tree() -> None:
    message = tree_message([], "Goal tree")
    assert_message(message)
    assert "/goal new" in dump(message.blocks)


def test_goal_created_with_coaching() -> None:
    created = CreatedGoal(
        goal=goal(12, title="Win <deals>"),
        coaching=("Add a baseline (where you start) so progress can be measured.",),
    )
    message = goal_created_message(created)
    assert_message(message)
    assert message.blocks[0]["text"]["text"] == "✅ Created *G-12* Win &lt;deals&gt; for 2027-Q1."
    assert "How will we know?" in message.blocks[1]["text"]["text"]
    assert "Add a baseline" in message.blocks[1]["text"]["text"]
    assert message.text == "Created G-12: Win <deals>"
    plain = goal_created_message(CreatedGoal(goal=goal(12)))
    assert "How will we know?" not in dump(plain.blocks)


def test_csf_list_is_ranked() -> None:
    csfs = [csf(2, "Ship the platform"), csf(1, "Win in DACH", kpi="20 customers")]
    message = csf_list_message("Sales", "2027-Q1", csfs)
    assert_message(message)
    assert message.blocks[0]["text"]["text"] == "Critical success factors · Sales · 2027-Q1"
    assert message.blocks[1]["text"]["text"] == (
        "*1.* Win in DACH — KPI: 20 customers\n*2.* Ship the platform"
    )
    assert "⚠️" not in dump(message.blocks)


def test_csf_list_flags_more_than_three_and_shows_a_warning() -> None:
    message = csf_list_message(
        "Sales", "2027-Q1", [csf(n) for n in range(1, 6)], warning="Heads up"
    )
    assert_message(message)
    shown = dump(message.blocks)
    assert "⚠️ Heads up" in shown
    assert "⚠️ 5 CSFs" in shown


def test_csf_list_without_csfs_says_how_to_add_them() -> None:
    message = csf_list_message("Sales", "2027-Q1", [])
    assert_message(message)
    assert "No CSFs yet — add 2 or 3 with `/goal csf add" in dump(message.blocks)


def test_closed_and_carried_over() -> None:
    closed = ClosedGoal(
        goal=goal(12, status=GoalStatus.CARRIED_OVER), carried_to=goal(40, period="2027-Q2")
    )
    message = goal_closed_message(closed)
    assert_message(message)
    assert "as *carried over*" in message.blocks[0]["text"]["text"]
    assert "*G-40* for 2027-Q2" in dump(message.blocks)


def test_update_recorded() -> None:
    recorded = RecordedUpdate(update=update(42, health=Health.AT_RISK), progress=0.42)
    message = update_recorded_message("G-12", recorded, metric_unit="%")
    assert_message(message)
    assert message.blocks[0]["text"]["text"] == (
        "✅ Recorded on *G-12*: 42% · 🟡 at risk · progress 42%"
    )
    again = update_recorded_message("G-12", replace(recorded, duplicate=True))
    assert again.text == "Already recorded on G-12"
