"""The limit helpers, the text helpers and the checks the other builder tests rely on."""

from __future__ import annotations

from typing import Any

import pytest

from bot.blocks import ids
from bot.blocks.kit import (
    actions,
    and_more,
    button,
    context,
    header,
    more_factory,
    option,
    pack_lines,
    section,
)
from bot.blocks.limits import (
    ELLIPSIS,
    SECTION_TEXT,
    BlockKitLimitError,
    check_message,
    check_view,
    fit,
    truncate,
)
from bot.blocks.text import (
    escape,
    escape_keep_refs,
    number,
    progress_bar,
    quantity,
    slack_date,
    summary_health,
)
from storage.models import Health
from tests.bot.blocks_support import NOW, summary


def test_truncate_keeps_short_text_and_cuts_long_text_with_an_ellipsis() -> None:
    assert truncate("short", 10) == "short"
    cut = truncate("x" * 20, 10)
    assert cut == "x" * 9 + ELLIPSIS
    assert len(cut) == 10


def test_truncate_never_cuts_an_entity_in_half() -> None:
    cut = truncate("abcdef&amp;xyz", 9)
    assert cut == "abcdef" + ELLIPSIS


def test_fit_keeps_a_list_within_the_limit_and_ends_with_and_n_more() -> None:
    blocks = [section(str(n)) for n in range(60)]
    fitted = fit(blocks, 50, more_factory("narrow it"))
    assert len(fitted) == 50
    assert fitted[-1] == context("…and 11 more (narrow it)")
    assert fit(blocks[:3], 50, more_factory()) == blocks[:3]
    assert fit(blocks, 0, more_factory()) == []


def test_pack_lines_fills_sections_up_to_3000_characters() -> None:
    lines = ["x" * 1000] * 7
    packed = pack_lines(lines, max_blocks=10)
    assert [len(block["text"]["text"]) for block in packed] == [2001, 2001, 2001, 1000]


def test_pack_lines_says_how_many_lines_were_left_out() -> None:
    packed = pack_lines(["x" * 1000] * 20, max_blocks=3, hint="see more")
    assert len(packed) == 3
    assert packed[-1] == context(and_more(16, "see more"))
    capped = pack_lines(["line"] * 20, max_blocks=5, max_lines=10)
    assert capped[-1] == context("…and 10 more")
    assert capped[0]["text"]["text"].count("line") == 10
    assert pack_lines(["line"], max_blocks=0) == []


def test_pack_lines_cuts_a_single_overlong_line() -> None:
    packed = pack_lines(["y" * 5000], max_blocks=2)
    assert len(packed[0]["text"]["text"]) == SECTION_TEXT


def test_escape_turns_control_characters_into_entities() -> None:
    assert escape("R&D <b> > 3") == "R&amp;D &lt;b&gt; &gt; 3"
    assert escape("<!channel>") == "&lt;!channel&gt;"


def test_escape_keep_refs_keeps_mentions_and_channels_working() -> None:
    text = "<@U123> can't own <b> & <#C42|leadership> but <!here> no"
    assert escape_keep_refs(text) == (
        "<@U123> can't own &lt;b&gt; &amp; <#C42|leadership> but &lt;!here&gt; no"
    )


def test_numbers_quantities_and_progress_bars() -> None:
    assert number(1200.0) == "1,200"
    assert number(12.345) == "12.35"
    assert number(0.5) == "0.5"
    assert quantity(42, "%") == "42%"
    assert quantity(8.4, "<k€>") == "8.4 &lt;k€&gt;"
    assert quantity(None, "x") == "—"
    assert progress_bar(0.42) == "▓▓▓▓░░░░░░ 42%"
    assert progress_bar(1.7) == "▓▓▓▓▓▓▓▓▓▓ 100%"
    assert progress_bar(None) == "no metric"


def test_slack_date_renders_in_the_readers_zone_with_an_iso_fallback() -> None:
    assert slack_date(NOW) == f"<!date^{int(NOW.timestamp())}^{{date_short}}|2027-01-04>"


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({}, "🟢 on track"),
        ({"reported_health": Health.AT_RISK, "computed_health": Health.AT_RISK}, "🟡 at risk"),
        ({"reported_health": None, "computed_health": Health.OFF_TRACK}, "🔴 off track"),
        ({"computed_health": Health.OFF_TRACK}, "🟢 on track (numbers: 🔴 off track)"),
        ({"stale": True}, "⏸ stale"),
        ({"last_update_at": None, "stale": True}, "⚪ no update"),
    ],
)
def test_summary_health(fields: dict[str, Any], shown: str) -> None:
    assert summary_health(summary(**fields)) == shown


def test_check_message_accepts_good_blocks() -> None:
    check_message([header("Hi"), section("there")], text="Hi there")


def test_check_message_rejects_too_many_blocks_and_an_empty_fallback() -> None:
    with pytest.raises(BlockKitLimitError, match=r"51 blocks \(> 50\)"):
        check_message([section("x")] * 51)
    with pytest.raises(BlockKitLimitError, match="text fallback is empty"):
        check_message([section("x")], text=" ")


def test_check_message_rejects_what_slack_sdk_models_reject() -> None:
    bad = {"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}
    with pytest.raises(BlockKitLimitError, match="block 0"):
        check_message([bad])


def test_check_message_rejects_duplicate_ids() -> None:
    twice = [section("a", block_id="same"), section("b", block_id="same")]
    with pytest.raises(BlockKitLimitError, match="block_id 'same' used 2 times"):
        check_message(twice)
    same_action = actions("row", [button("A", "act"), button("B", "act")])
    with pytest.raises(BlockKitLimitError, match="action_id 'act' used 2 times"):
        check_message([same_action])


def test_check_view_rejects_bad_inputs() -> None:
    element = {
        "type": "static_select",
        "action_id": ids.INPUT,
        "options": [option("A", "a")],
        "initial_option": option("B", "b"),
    }
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "T"},
        "blocks": [
            {"type": "input", "block_id": "x", "label": header("L")["text"], "element": element}
        ],
    }
    with pytest.raises(BlockKitLimitError) as raised:
        check_view(view)
    assert "initial_option 'b' is not one of the options" in str(raised.value)
    assert "needs a submit button" in str(raised.value)


def test_check_view_rejects_an_initial_value_longer_than_max_length() -> None:
    element = {
        "type": "plain_text_input",
        "action_id": "i",
        "max_length": 5,
        "initial_value": "123456",
    }
    view = {
        "type": "home",
        "blocks": [
            {"type": "input", "label": {"type": "plain_text", "text": "L"}, "element": element}
        ],
    }
    with pytest.raises(BlockKitLimitError, match="max_length 5"):
        check_view(view)


def test_button_and_option_refuse_values_that_would_be_cut() -> None:
    with pytest.raises(ValueError, match="button value"):
        button("x", "a", value="v" * 2001)
    with pytest.raises(ValueError, match="option value"):
        option("x", "v" * 151)
    assert len(button("t" * 100, "a")["text"]["text"]) == 75
