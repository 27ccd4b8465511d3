"""Parsing /goal text: each subcommand's success path and its specific errors."""

from __future__ import annotations

from datetime import date

import pytest

from bot.parsing.command import (
    UsageError,
    UserRef,
    parse_channel,
    parse_command,
    parse_number,
    parse_user,
)
from storage.models import GoalStatus, Health


@pytest.mark.parametrize("text", ["", "   ", "help", "help update"])
def test_empty_and_help_ask_for_help(text: str) -> None:
    assert parse_command(text).name == "help"


def test_unknown_subcommand_asks_for_help_and_names_it() -> None:
    command = parse_command("frobnicate G-1")
    assert command.name == "help"
    assert "`frobnicate` is not a /goal command" in command.text


def test_update_with_health_and_note() -> None:
    command = parse_command("update G-12 1,250 at risk waiting on legal")
    assert (command.goal, command.value, command.health) == (12, 1250.0, Health.AT_RISK)
    assert command.text == "waiting on legal"


def test_update_without_health_keeps_the_note() -> None:
    command = parse_command("update g12 42.5% blocked by vendor")
    assert (command.goal, command.value, command.health) == (12, 42.5, None)
    assert command.text == "blocked by vendor"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("update", "Missing the goal id and the new value"),
        ("update G-12", "Missing the goal id and the new value"),
        ("update 12x 4", "`12x` is not a goal id"),
        ("update G-12 lots", "`lots` is not a number"),
        ("show", "Missing the goal id"),
        ("align G-1 G-2 G-3", "Say which goal aligns to which"),
        ("owner G-1 dana", "`dana` is not a person"),
        ("close G-1 won", "`won` is not an outcome"),
        ("pause until tomorrow", "`tomorrow` is not a date"),
        ("pause", "Missing the date you are back"),
        ("csf add sales", "Missing the unit and the title"),
        ("csf remove sales 2027-Q1 two", "`two` is not a rank"),
        ("csf rename sales", "`rename` is not a csf action"),
        ("digest everywhere", "Say `here`"),
        ("checkin now", "or `checkin at` a day and time"),
        ("list sales marketing", "one scope at a time"),
    ],
)
def test_bad_input_gets_a_specific_message_and_a_usage_line(text: str, message: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_command(text)
    assert message in raised.value.message
    assert "Usage: `/goal " in raised.value.message


def test_list_scopes() -> None:
    assert parse_command("list").scope == "mine"
    assert parse_command("list company").scope == "company"
    assert parse_command("list <@U123ABC|dana>").user == UserRef("U123ABC", "dana")
    assert parse_command("list @dana").user == UserRef(name="dana")
    assert parse_command("list sales").unit == "sales"


def test_align_close_owner_pause_csf_digest() -> None:
    assert (parse_command("align G-5 to G-1").goal, parse_command("align G-5 G-1").other_goal) == (
        5,
        1,
    )
    assert parse_command("close G-3 achieved").status == GoalStatus.ACHIEVED
    assert parse_command("owner G-3 <@U0NW0001>").user == UserRef("U0NW0001")
    assert parse_command("pause until 2027-02-01").until == date(2027, 2, 1)
    add = parse_command("csf add sales 2027-Q1 Win the mid-market")
    assert (add.unit, add.period, add.text) == ("sales", "2027-Q1", "Win the mid-market")
    assert parse_command("csf remove sales 2").rank == 2
    assert parse_command("digest here sales").unit == "sales"


def test_mentions_channels_and_numbers_parse_escaped_or_not() -> None:
    assert parse_user("<@W0ABC>") == UserRef("W0ABC")
    assert parse_user("U0NW0001") == UserRef("U0NW0001")
    assert parse_user("dana") is None
    assert parse_channel("<#C0LEAD|leadership>") is not None
    assert parse_channel("#leadership") is not None
    assert parse_number("$3.2k") == 3200.0
    assert parse_number("-4") == -4.0
    assert parse_number("four") is None
