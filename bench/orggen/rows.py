"""Planned units, people, CSFs and goals as table rows (column names, then value tuples)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from bench.orggen.goals import CsfPlan, GoalPlan
from bench.orggen.org import PersonPlan, UnitPlan
from bench.orggen.timeline import Timeline
from bench.orggen.vocabulary import COMPANY_NAME, WORKSPACE_TZ
from bot.rhythm import build_rule, next_checkin_at
from storage.models import Cadence

Row = tuple[object, ...]
WORKSPACE_SETTINGS = {
    "cadence": Cadence.WEEKLY.value,
    "checkin_weekday": 3,
    "checkin_time": "10:00",
    "digest_weekday": 0,
    "digest_time": "09:00",
}

UNIT_COLUMNS = ("id", "team_id", "key", "name", "parent_id", "lead_id", "review_channel",
                "created_at")  # fmt: skip
PERSON_COLUMNS = (
    "id", "team_id", "slack_user_id", "name", "email", "tz", "unit_id", "manager_id", "role",
    "checkin_weekday", "checkin_time", "away_until", "next_checkin_at", "is_active",
    "created_at", "updated_at",
)  # fmt: skip
CSF_COLUMNS = ("id", "team_id", "key", "unit_id", "period", "rank", "title", "kpi", "created_at")
GOAL_COLUMNS = (
    "id", "team_id", "number", "key", "title", "description", "owner_id", "unit_id", "period",
    "parent_id", "csf_id", "metric_name", "metric_unit", "baseline", "target", "direction",
    "due_date", "weight", "status", "visibility", "created_at", "updated_at", "closed_at",
)  # fmt: skip


def workspace_row(team_id: str, timeline: Timeline) -> dict[str, object]:
    """The workspace, with goalbot's default rhythm."""
    return {
        "id": team_id,
        "name": COMPANY_NAME,
        "timezone": WORKSPACE_TZ,
        "fiscal_year_start_month": 1,
        "holidays": [],
        "escalation_enabled": True,
        "weekly_dm_cap": 5,
        "created_at": timeline.setup,
        **WORKSPACE_SETTINGS,
    }


def unit_rows(team_id: str, units: list[UnitPlan], created: datetime) -> Iterator[Row]:
    """Units in plan order (parents first)."""
    for unit in units:
        yield (unit.id, team_id, unit.key, unit.name, unit.parent_id, unit.lead_id, None, created)


def person_rows(team_id: str, people: list[PersonPlan], timeline: Timeline) -> Iterator[Row]:
    """People in plan order (managers first), each with their next check-in after now."""
    created = timeline.setup
    for p in people:
        rule = build_rule(
            cadence=Cadence.WEEKLY.value,
            weekday=3,
            checkin_time="10:00",
            workspace_tz=WORKSPACE_TZ,
            person_tz=p.tz,
            person_weekday=p.checkin_weekday,
            person_time=p.checkin_time,
            away_until=p.away_until,
        )
        upcoming = next_checkin_at(rule, timeline.now)
        yield (p.id, team_id, p.slack_user_id, p.name, p.email, p.tz, p.unit_id, p.manager_id,
               p.role.value, p.checkin_weekday, p.checkin_time, p.away_until, upcoming, True,
               created, created)  # fmt: skip


def csf_rows(team_id: str, csfs: list[CsfPlan], created: datetime) -> Iterator[Row]:
    """CSFs in plan order."""
    for c in csfs:
        yield (c.id, team_id, c.key, c.unit_id, str(c.period), c.rank, c.title, c.kpi, created)


def goal_rows(team_id: str, goals: list[GoalPlan]) -> Iterator[Row]:
    """Goals in plan order (parents first)."""
    for g in goals:
        w = g.wording
        updated = g.closed_at or g.created_at
        yield (g.id, team_id, g.number, None, w.title, w.description, g.owner_id, g.unit_id,
               str(g.period), g.parent_id, g.csf_id, w.metric_name, w.metric_unit, w.baseline,
               w.target, w.direction.value, w.due_date, g.weight, g.status.value,
               g.visibility.value, g.created_at, updated, g.closed_at)  # fmt: skip
