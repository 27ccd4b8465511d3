"""Help, error and confirmation messages."""

from __future__ import annotations

from bot.blocks.common import PURPOSES, confirmation_message, error_message, help_message
from bot.parsing.command import USAGE
from tests.bot.blocks_support import assert_message, dump


def test_help_lists_every_subcommand_with_its_usage_and_purpose() -> None:
    message = help_message()
    assert_message(message)
    shown = dump(message.blocks)
    assert set(USAGE) <= set(PURPOSES)
    for name, usage in USAGE.items():
        assert f"`{usage}`" in shown
        assert PURPOSES[name] in shown
    assert "/goal" in message.text


def test_help_shows_the_problem_first() -> None:
    message = help_message("`frobnicate` is not a /goal command.")
    assert_message(message)
    assert message.blocks[0]["text"]["text"] == "❗ `frobnicate` is not a /goal command."
    assert message.text.startswith("`frobnicate` is not a /goal command.")


def test_error_message_is_plain_and_escaped_but_keeps_mentions() -> None:
    message = error_message("<@U1> cannot own <script> & more")
    assert_message(message)
    assert message.blocks[0]["text"]["text"] == "❗ <@U1> cannot own &lt;script&gt; &amp; more"
    assert message.text == "❗ <@U1> cannot own <script> & more"


def test_confirmation_with_details() -> None:
    message = confirmation_message("Aligned G-12 to G-3.", details=["Owner: <@U1>", "a < b"])
    assert_message(message)
    assert message.blocks[0]["text"]["text"] == "✅ Aligned G-12 to G-3."
    assert message.blocks[1]["text"]["text"] == "• Owner: <@U1>\n• a &lt; b"


def test_confirmation_with_a_thousand_long_details_fits() -> None:
    message = confirmation_message("Imported.", details=["x" * 2000] * 1000)
    assert_message(message)
    assert "more" in message.blocks[-1]["elements"][0]["text"]
