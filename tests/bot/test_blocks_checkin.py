"""The check-in DM, the update modal and its parser, answers, typed replies, escalation."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.blocks import ids
from bot.blocks.checkin import (
    CheckinEntry,
    checkin_answered_message,
    checkin_away_message,
    checkin_message,
    checkin_update_modal,
    escalation_message,
    parse_checkin_update,
    parse_delivery_id,
    parse_pick_value,
    pick_goal_message,
    typed_updates_confirmation,
)
from storage.models import Health
from tests.bot.blocks_support import (
    LONG_TITLE,
    assert_message,
    assert_view,
    block_ids,
    checks_state,
    dump,
    elements,
    many,
    select_state,
    summary,
    text_state,
)


def test_checkin_message_lists_goals_with_three_buttons_carrying_the_delivery() -> None:
    message = checkin_message(
        owner_name="Dana <3", goals=[summary(12), summary(13)], delivery_id=77
    )
    assert_message(message)
    assert message.blocks[0]["text"]["text"].startswith("👋 Hi Dana &lt;3, time for your check-in")
    buttons = list(elements(message.blocks))
    assert [b["action_id"] for b in buttons] == [
        ids.CHECKIN_NO_CHANGE,
        ids.CHECKIN_UPDATE,
        ids.CHECKIN_AWAY,
    ]
    assert {b["value"] for b in buttons} == {"77"}
    shown = dump(message.blocks)
    assert "*G-12*" in shown and "▓▓▓▓░░░░░░ 42%" in shown and "8.4 customers" in shown
    assert "`G-12 42 on track`" in shown
    assert message.text == "Time for your check-in: 2 goals."


def test_checkin_reminder_folded_and_single_goal_hint() -> None:
    message = checkin_message(
        owner_name="Dana", goals=[summary()], delivery_id=1, reminder=True, folded=2
    )
    assert_message(message)
    shown = dump(message.blocks)
    assert shown.count("Reminder") == 1 and message.text.startswith("Reminder")
    assert "also covers 2 earlier check-ins" in shown
    assert "`42 on track`" in shown


def test_checkin_message_with_200_goals_lists_the_first_and_points_to_update() -> None:
    message = checkin_message(owner_name="Dana", goals=many(200, title=LONG_TITLE), delivery_id=5)
    assert_message(message)
    assert "…and 185 more (use Update)" in dump(message.blocks)


def test_checkin_message_without_goals() -> None:
    message = checkin_message(owner_name="Dana", goals=[], delivery_id=5)
    assert_message(message)
    assert list(elements(message.blocks)) == []


def test_checkin_update_modal_prefills_each_goal() -> None:
    goal = summary(
        12, reported_health=Health.AT_RISK, confidence=6, blocker=True, latest_value=1200
    )
    view = checkin_update_modal(goals=[goal], delivery_id=77)
    assert_view(view)
    assert view["callback_id"] == ids.CHECKIN_UPDATE_VIEW
    assert view["private_metadata"] == "77"
    assert parse_delivery_id(view["private_metadata"]) == 77
    assert block_ids(view["blocks"]) == [
        "value:12",
        "health:12",
        "confidence:12",
        "note:12",
        "blocker:12",
    ]
    inputs = {block["block_id"]: block for block in view["blocks"] if "block_id" in block}
    assert inputs["value:12"]["element"]["initial_value"] == "1200"
    assert inputs["value:12"]["label"]["text"] == "New value (customers)"
    assert inputs["health:12"]["element"]["initial_option"]["value"] == "at_risk"
    assert inputs["confidence:12"]["element"]["initial_option"]["value"] == "6"
    assert inputs["blocker:12"]["element"]["initial_options"][0]["value"] == "blocked"
    assert all(block["optional"] for block in inputs.values())


def test_checkin_update_modal_prefills_values_without_rounding_them() -> None:
    view = checkin_update_modal(goals=[summary(12, latest_value=12.345678)], delivery_id=1)
    value = next(block for block in view["blocks"] if block.get("block_id") == "value:12")
    assert value["element"]["initial_value"] == "12.345678"
    tiny = checkin_update_modal(goals=[summary(12, latest_value=0.00001)], delivery_id=1)
    assert "0.00001" in dump(tiny)


def test_checkin_update_modal_caps_goals_and_says_so() -> None:
    view = checkin_update_modal(goals=many(200, title=LONG_TITLE), delivery_id=1)
    assert_view(view)
    assert len([b for b in block_ids(view["blocks"]) if b.startswith("value:")]) == 15
    assert "…and 185 more (update them with `/goal update G-12 VALUE`)" in dump(view)


def test_checkin_update_modal_without_goals_has_no_submit() -> None:
    view = checkin_update_modal(goals=[], delivery_id=1)
    assert_view(view)
    assert "submit" not in view


def values_for(number: int, **states: dict[str, Any]) -> dict[str, Any]:
    return {ids.goal_block_id(field, number): state for field, state in states.items()}


def test_parse_checkin_update() -> None:
    values = {
        **values_for(
            12,
            value=text_state("42"),
            health=select_state("off_track"),
            confidence=select_state("3"),
            note=text_state(" waiting on legal "),
            blocker=checks_state("blocked"),
        ),
        **values_for(
            13,
            value=text_state(""),
            health=select_state(None),
            confidence=select_state(None),
            note=text_state(None),
            blocker=checks_state(),
        ),
        "unrelated": text_state("x"),
    }
    assert parse_checkin_update(values) == (
        [
            CheckinEntry(12, 42.0, Health.OFF_TRACK, 3, "waiting on legal", True),
            CheckinEntry(13, None, None, None, "", False),
        ],
        {},
    )


def test_an_entry_knows_its_value_block_for_service_refusals() -> None:
    entry = CheckinEntry(12, None, None, None, "", False)
    assert entry.value_block == "value:12"


def test_parse_checkin_update_names_the_goal_of_a_bad_value() -> None:
    values = {**values_for(12, value=text_state("abc")), **values_for(13, value=text_state("x"))}
    entries, errors = parse_checkin_update(values)
    assert entries == []
    assert errors == {
        "value:12": "`abc` is not a number for G-12: write it like 42 or 12.5.",
        "value:13": "`x` is not a number for G-13: write it like 42 or 12.5.",
    }


@pytest.mark.parametrize("text", [None, "", "abc", "-1", "1.5"])
def test_parse_delivery_id_refuses_what_is_not_an_id(text: str | None) -> None:
    assert parse_delivery_id(text) is None


def test_checkin_answered_with_undo() -> None:
    message = checkin_answered_message(
        owner_name="Dana",
        recorded=[("G-12 Win <deals>", "42 customers, 🟢 on track"), ("G-13", "no change")],
        delivery_id=9,
        undo=True,
    )
    assert_message(message)
    assert message.blocks[1]["text"]["text"] == (
        "• *G-12 Win &lt;deals&gt;*: 42 customers, 🟢 on track\n• *G-13*: no change"
    )
    [undo] = list(elements(message.blocks))
    assert (undo["action_id"], undo["value"]) == (ids.CHECKIN_UNDO, "9")
    without = checkin_answered_message(owner_name="Dana", recorded=[], delivery_id=9, undo=False)
    assert_message(without)
    assert list(elements(without.blocks)) == []
    assert "nothing changed" in dump(without.blocks)


def test_checkin_away() -> None:
    message = checkin_away_message(owner_name="Dana", delivery_id=3, until=date(2027, 1, 11))
    assert_message(message)
    assert "no check-in this week. See you after 2027-01-11." in dump(message.blocks)
    assert [e["action_id"] for e in elements(message.blocks)] == [ids.CHECKIN_UNDO]


def test_pick_goal_message_offers_one_button_per_goal() -> None:
    message = pick_goal_message(value_text="42", goals=[summary(12), summary(13)], reply_key="Ev1")
    assert_message(message)
    assert message.blocks[0]["text"]["text"] == "Which goal is `42` for?"
    buttons = list(elements(message.blocks))
    assert [b["value"] for b in buttons] == ["Ev1|12", "Ev1|13"]
    assert [ids.base_action_id(b["action_id"]) for b in buttons] == [ids.PICK_GOAL] * 2
    assert all(ids.PICK_GOAL_PATTERN.match(b["action_id"]) for b in buttons)
    assert buttons[0]["text"]["text"] == "G-12 Goal number 12"
    assert parse_pick_value("Ev|1|12") == ("Ev|1", 12)
    assert parse_pick_value("nothing") is None


def test_pick_goal_message_with_hundreds_of_goals() -> None:
    message = pick_goal_message(
        value_text="`42`" * 100, goals=many(260, title=LONG_TITLE), reply_key="k"
    )
    assert_message(message)
    actions = [block for block in message.blocks if block["type"] == "actions"]
    assert [len(block["elements"]) for block in actions] == [25, 25, 25, 25]
    assert "…and 160 more" in dump(message.blocks)
    with pytest.raises(ValueError, match="reply_key"):
        pick_goal_message(value_text="1", goals=[summary()], reply_key="k" * 1999)


def test_typed_updates_confirmation() -> None:
    message = typed_updates_confirmation([("G-12", "42 customers")], ["`G-99` is not your goal."])
    assert_message(message)
    shown = dump(message.blocks)
    assert "• *G-12*: 42 customers" in shown
    assert "• `G-99` is not your goal." in shown
    assert message.text == "Recorded 1 update(s); 1 problem(s)."
    nothing = typed_updates_confirmation([], [])
    assert_message(nothing)
    assert "could not find an update" in dump(nothing.blocks)


def test_escalation_message_names_the_owner() -> None:
    message = escalation_message(lead_name="Erin", owner_slack_id="U0ROB", missed=3)
    assert_message(message)
    assert "Hi Erin: <@U0ROB> has missed 3 check-ins in a row." in message.blocks[0]["text"]["text"]
    assert message.text == "<@U0ROB> has missed 3 check-ins in a row."
