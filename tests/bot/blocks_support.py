"""Factories and checks for Block Kit builder tests: domain objects made in memory, no database."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.blocks.limits import MESSAGE_BLOCKS, VIEW_BLOCKS, check_message, check_view
from bot.blocks.message import Message
from bot.domain.goals import GoalDetails, GoalSummary, HealthCheck
from storage.models import (
    Csf,
    Direction,
    Goal,
    GoalStatus,
    GoalUpdate,
    Health,
    Person,
    Unit,
    UpdateSource,
    Workspace,
)

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
TEAM = "T0001"
LONG_TITLE = ("Win twenty new enterprise customers & <partners> in DACH " * 5)[:200]
LONG_NOTE = ("Waiting on legal <@U999> & procurement; the pilot slipped a week. " * 50)[:3000]


def summary(number: int = 12, **overrides: Any) -> GoalSummary:
    """A goal summary: on track, 42% of the way, updated yesterday (override any field)."""
    base = GoalSummary(
        id=number,
        number=number,
        title=f"Goal number {number}",
        status=GoalStatus.ACTIVE,
        period="2027-Q1",
        parent_id=None,
        unit_id=1,
        unit_name="Sales",
        owner_id=1,
        owner_name="Dana Lee",
        owner_slack_id="U0DANA",
        metric_unit="customers",
        baseline=0.0,
        target=20.0,
        direction=Direction.INCREASE,
        due_date=None,
        weight=1.0,
        created_at=NOW - timedelta(days=30),
        progress=0.42,
        latest_value=8.4,
        reported_health=Health.ON_TRACK,
        confidence=7,
        blocker=False,
        computed_health=Health.ON_TRACK,
        stale=False,
        last_update_at=NOW - timedelta(days=1),
        rolled_up=None,
    )
    return replace(base, **overrides)


def many(count: int, *, start: int = 1, **overrides: Any) -> list[GoalSummary]:
    """``count`` summaries numbered from ``start``, with a mix of healths."""
    healths = [Health.ON_TRACK, Health.AT_RISK, Health.OFF_TRACK, None]
    return [
        summary(n, reported_health=healths[n % 4], computed_health=healths[n % 4], **overrides)
        for n in range(start, start + count)
    ]


def goal(number: int = 12, **fields: Any) -> Goal:
    """A goal row with a metric (not stored)."""
    values: dict[str, Any] = {
        "id": number,
        "team_id": TEAM,
        "number": number,
        "title": f"Goal number {number}",
        "owner_id": 1,
        "unit_id": 2,
        "period": "2027-Q1",
        "metric_name": "New customers",
        "metric_unit": "customers",
        "baseline": 0.0,
        "target": 20.0,
        "due_date": date(2027, 3, 31),
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(fields)
    return Goal(**values)


def person(slack_user_id: str = "U0DANA", person_id: int = 1, name: str = "Dana Lee") -> Person:
    """A person (not stored)."""
    return Person(
        id=person_id,
        team_id=TEAM,
        slack_user_id=slack_user_id,
        name=name,
        created_at=NOW,
        updated_at=NOW,
    )


def unit(name: str = "Sales", parent_id: int | None = 1) -> Unit:
    """A unit (not stored); ``parent_id=None`` makes it the company."""
    return Unit(
        id=2, team_id=TEAM, key=name.lower(), name=name, parent_id=parent_id, created_at=NOW
    )


def csf(rank: int = 1, title: str = "Win in DACH", kpi: str | None = None) -> Csf:
    """A CSF (not stored)."""
    return Csf(
        id=rank,
        team_id=TEAM,
        key=f"csf-{rank}",
        unit_id=2,
        period="2027-Q1",
        rank=rank,
        title=title,
        kpi=kpi,
        created_at=NOW,
    )


def update(value: float | None = 8.4, **fields: Any) -> GoalUpdate:
    """A progress update by the owner (not stored)."""
    values: dict[str, Any] = {
        "team_id": TEAM,
        "goal_id": 12,
        "value": value,
        "health": Health.ON_TRACK,
        "confidence": 7,
        "author_id": 1,
        "source": UpdateSource.BUTTON,
        "created_at": NOW - timedelta(days=1),
    }
    values.update(fields)
    return GoalUpdate(**values)


def details(**overrides: Any) -> GoalDetails:
    """Details of G-12: aligned to G-3 then G-1, two children, two updates (override any field)."""
    base = GoalDetails(
        goal=goal(12, description="Land the pilots we started last quarter."),
        owner=person(),
        unit=unit(),
        csf=csf(),
        parents=(goal(3, title="Grow DACH revenue"), goal(1, title="Double revenue")),
        children=(summary(20), summary(21, reported_health=Health.OFF_TRACK)),
        updates=(update(8.4, note="Two pilots signed"), update(5.0, blocker=True)),
        progress=0.42,
        expected=0.5,
        health=HealthCheck(health=Health.AT_RISK, stale=False),
        rolled_up=0.35,
    )
    return replace(base, **overrides)


def workspace(**fields: Any) -> Workspace:
    """Workspace settings (not stored)."""
    return Workspace(id=TEAM, name="Acme", created_at=NOW, **fields)


def assert_message(message: Message) -> None:
    """Slack would accept the message: models validate, ≤50 blocks, a text fallback."""
    assert message.text.strip()
    assert 0 < len(message.blocks) <= MESSAGE_BLOCKS
    check_message(message.blocks, text=message.text)
    for block in message.blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.to_dict()
    assert message.kwargs() == {"text": message.text, "blocks": message.blocks}


def assert_view(view: Mapping[str, Any]) -> None:
    """Slack would accept the view: models validate, ≤100 blocks."""
    assert 0 < len(view["blocks"]) <= VIEW_BLOCKS
    check_view(view)
    View(**view).validate_json()
    for block in view["blocks"]:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.to_dict()


def dump(blocks: Sequence[Mapping[str, Any]] | Mapping[str, Any]) -> str:
    """Everything in blocks or a view as one string, for "is it shown" checks."""
    return json.dumps(blocks, ensure_ascii=False)


def elements(blocks: Sequence[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    """Every interactive element of the blocks: in actions blocks, accessories, inputs."""
    for block in blocks:
        yield from block.get("elements", []) if block.get("type") == "actions" else []
        for key in ("accessory", "element"):
            if key in block:
                yield block[key]


def block_ids(blocks: Sequence[Mapping[str, Any]]) -> list[str]:
    """The block ids, in order."""
    return [block["block_id"] for block in blocks if "block_id" in block]


def text_state(value: str | None) -> dict[str, Any]:
    """A plain_text_input's state."""
    return {"input": {"type": "plain_text_input", "value": value}}


def select_state(value: str | None) -> dict[str, Any]:
    """A static_select's or radio group's state."""
    chosen = (
        None if value is None else {"text": {"type": "plain_text", "text": value}, "value": value}
    )
    return {"input": {"type": "static_select", "selected_option": chosen}}


def picked_state(key: str, value: str | None) -> dict[str, Any]:
    """A picker's state: ``selected_user``, ``selected_date`` or ``selected_time``."""
    return {"input": {"type": "picker", key: value}}


def checks_state(*values: str) -> dict[str, Any]:
    """A checkboxes element's state."""
    return {"input": {"type": "checkboxes", "selected_options": [{"value": v} for v in values]}}
