"""A scope of 300 goals, all of them exceptions with the longest titles and notes, still gives
messages Slack accepts: 50 blocks at most, valid per slack_sdk's models, a text fallback."""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk.models.blocks import Block

from bot.blocks.digest import MAX_PAGES, digest_messages, digest_preview_message
from bot.blocks.limits import MESSAGE_BLOCKS, MESSAGE_TEXT, check_message
from bot.digest.content import build_content
from storage.models import Health
from storage.repositories.digest_details import CsfRow, GoalLabel, PersonLabel, UnitRow
from tests.bot.test_digest_content import COMPANY, UNITS, goal, inputs

GOALS = 300
LONG = "Win & keep <every> deal in the region, " * 6  # 234 characters, entities included


def _worst_case() -> tuple[list[dict[str, object]], int]:
    units = [
        *UNITS,
        *(UnitRow(10 + n, f"u{n}", f"Unit {n} {LONG}"[:200], COMPANY) for n in range(60)),
    ]
    goals = [
        goal(
            n,
            unit_id=10 + n % 60,
            owner_id=1000 + n,
            csf_id=n % 200,
            value=float(n % 7),
            health=Health.OFF_TRACK if n % 2 else None,
            confidence=2,
            confidence_before=9,
            blocker=True,
            value_before=90.0,
            updated_this_week=n % 3 == 0,
            updated_last_week=False,
        )
        for n in range(1, GOALS + 1)
    ]
    csfs = [CsfRow(n, 10 + n % 60, "2027-Q1", n % 5 + 1, LONG[:200]) for n in range(200)]
    content = build_content(
        inputs(goals, units=units, csfs=csfs, long_blocked={g.id for g in goals})
    )
    labels = {
        g.id: GoalLabel(g.id, g.id, LONG[:200], f"U{g.owner_id:08d}", f"Unit {LONG}", LONG * 10,
                        datetime(2027, 1, 21, tzinfo=UTC), datetime(2027, 1, 14, tzinfo=UTC))
        for g in goals
    }  # fmt: skip
    people = {1000 + n: PersonLabel(1000 + n, f"U{1000 + n:08d}", "x") for n in range(GOALS + 1)}
    messages = digest_messages(content, labels, people)
    rendered = [{"text": m.text, "blocks": m.blocks} for m in messages.all]
    return rendered, sum(group.total for group in content.exceptions)


def test_three_hundred_exceptional_goals_fit_slacks_limits() -> None:
    messages, exceptions = _worst_case()
    assert exceptions >= GOALS  # every goal is an exception, most of them several times
    assert 1 < len(messages) <= MAX_PAGES  # it overflowed into the thread, within the cap
    for message in messages:
        blocks = message["blocks"]
        assert isinstance(blocks, list) and len(blocks) <= MESSAGE_BLOCKS
        check_message(blocks, text=str(message["text"]))
        assert len(str(message["text"])) <= MESSAGE_TEXT
        for block in blocks:
            parsed = Block.parse(block)
            assert parsed is not None
            parsed.validate_json()


def test_a_page_never_ends_on_a_heading() -> None:
    messages, _ = _worst_case()
    for message in messages[:-1]:
        blocks = message["blocks"]
        assert isinstance(blocks, list)
        body = blocks[:-1] if blocks[-1]["type"] == "context" else blocks
        assert body[-1]["type"] not in {"header", "divider"}


def test_the_preview_is_the_main_post_within_limits() -> None:
    content = build_content(inputs([goal(n) for n in range(1, GOALS + 1)]))
    preview = digest_preview_message(digest_messages(content, {}, {}))
    check_message(preview.blocks, text=preview.text)
    assert "Preview" in preview.blocks[-1]["elements"][0]["text"]
