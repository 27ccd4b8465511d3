"""Generated updates, reproducibility, and the product reading what was generated."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import SQLModel

from bench.generate import main
from bench.orggen.build import NOW, OrgSize, generate
from bench.orggen.timeline import UPDATE_WINDOW, Timeline
from bot.domain.clock import FixedClock
from bot.domain.periods import Period
from bot.services.goals import GoalService
from bot.services.home import HomeService
from storage.db import make_engine
from storage.models import CLOSED_STATUSES, GoalStatus, UpdateSource
from tests.bench.conftest import SIZE, TABLES, Generated, misaligned, table_rows
from tests.conftest import sqlite_file_engine


def test_updates_fall_in_the_two_quarters_before_now_while_their_goal_is_open(
    generated: Generated,
) -> None:
    goals = {g["id"]: g for g in table_rows(generated.engine, TABLES[4])}
    updates = table_rows(generated.engine, TABLES[5])
    now = generated.org.now
    for update in updates:
        goal = goals[update["goal_id"]]
        assert now - UPDATE_WINDOW <= update["created_at"] < now
        assert update["created_at"] >= goal["created_at"]
        assert goal["status"] is not GoalStatus.DRAFT
        if goal["status"] in CLOSED_STATUSES:
            assert update["created_at"] <= goal["closed_at"]
        assert update["author_id"] == goal["owner_id"]
        assert update["confidence"] is None or 1 <= update["confidence"] <= 10
        assert not update["blocker"] or update["note"]
    months = {(u["created_at"].year, u["created_at"].month) for u in updates}
    assert len(months) == 6


def test_no_change_repeats_the_goal_s_last_value_and_health(generated: Generated) -> None:
    history: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for update in table_rows(generated.engine, TABLES[5]):  # by id: time order
        history[update["goal_id"]].append(update)
    repeats = 0
    for updates in history.values():
        assert [u["created_at"] for u in updates] == sorted(u["created_at"] for u in updates)
        for before, update in pairwise(updates):
            if update["no_change"]:
                repeats += 1
                assert (update["value"], update["health"]) == (before["value"], before["health"])
                assert update["source"] is UpdateSource.BUTTON
    assert repeats > 0.05 * SIZE.updates


def test_most_owners_answer_weekly_and_some_went_stale(generated: Generated) -> None:
    goals = {g["id"]: g for g in table_rows(generated.engine, TABLES[4])}
    latest: dict[int, datetime] = {}
    for update in table_rows(generated.engine, TABLES[5]):
        owner = goals[update["goal_id"]]["owner_id"]
        latest[owner] = max(latest.get(owner, update["created_at"]), update["created_at"])
    now = generated.org.now
    recent = sum(now - at <= timedelta(days=8) for at in latest.values())
    stale = sum(now - at > timedelta(days=21) for at in latest.values())
    assert recent > 0.6 * len(latest)
    assert 0 < stale < 0.25 * len(latest)


def test_the_same_seed_writes_the_same_rows_on_either_backend(
    generated: Generated, tmp_path: Path
) -> None:
    again = sqlite_file_engine(tmp_path / "again.db")
    other = sqlite_file_engine(tmp_path / "other.db")
    try:
        for engine in (again, other):
            SQLModel.metadata.create_all(engine)
        generate(again, SIZE, seed=7, now=NOW)
        generate(other, SIZE, seed=8, now=NOW)
        for table in TABLES:
            assert table_rows(again, table) == table_rows(generated.engine, table), table.name
        assert table_rows(other, TABLES[4]) != table_rows(again, TABLES[4])
    finally:
        again.dispose()
        other.dispose()


def test_the_lead_with_about_n_goals_sees_them_on_their_home(generated: Generated) -> None:
    org = generated.org
    unit_id, lead = org.unit_with_goals(60), org.lead_with_goals(60)
    expected = org.open_goals_of(unit_id)
    assert expected == min((u.open_goals for u in org.units), key=lambda n: (abs(n - 60), n))
    engine = generated.engine
    home = HomeService(engine, GoalService(engine, FixedClock(org.now))).for_person(
        team_id=org.team_id, slack_user_id=lead
    )
    assert [len(goals) for _, goals in home.led_units] == [expected]
    assert home.my_goals


def test_the_bot_adds_rows_after_the_generated_ones(generated: Generated) -> None:
    engine, org = generated.engine, generated.org
    goal = table_rows(engine, TABLES[4])[0]
    owner = next(p for p in table_rows(engine, TABLES[2]) if p["id"] == goal["owner_id"])
    service = GoalService(engine, FixedClock(org.now))
    recorded = service.record_update(
        team_id=org.team_id, actor_id=owner["slack_user_id"], goal_number=goal["number"], value=1.0
    )
    assert recorded.update.id == SIZE.updates + 1


def test_an_org_is_written_once_per_workspace(generated: Generated) -> None:
    with pytest.raises(ValueError, match="already exists"):
        generate(generated.engine, SIZE, now=NOW, team_id=generated.org.team_id)
    second = generate(generated.engine, OrgSize().scaled(0.005), now=NOW, team_id="TSECOND")
    with generated.engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(TABLES[4])).scalar()
    assert count == SIZE.goals + second.rows["goal"]


def test_the_command_line_migrates_then_writes_and_reports_each_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    main(["--database-url", url, "--scale", "0.005", "--seed", "3"])
    out = capsys.readouterr().out
    assert "goal_update" in out and "rows/s" in out
    engine: Engine = make_engine(url)
    try:
        with engine.connect() as connection:
            updates = connection.execute(select(func.count()).select_from(TABLES[5])).scalar()
        assert updates == OrgSize().scaled(0.005).updates
    finally:
        engine.dispose()


def test_in_a_first_quarter_last_year_s_goals_align_within_last_year(tmp_path: Path) -> None:
    now = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
    timeline = Timeline.at(now)
    assert (timeline.current, timeline.previous, timeline.year) == (
        Period(2027, 1),
        Period(2026, 4),
        Period(2027),
    )
    engine = sqlite_file_engine(tmp_path / "q1.db")
    try:
        SQLModel.metadata.create_all(engine)
        generate(engine, SIZE, now=now)
        periods = {goal["period"] for goal in table_rows(engine, TABLES[4])}
        assert periods == {"2026-Q4", "2027-Q1", "FY2027"}
        assert misaligned(engine) == []
    finally:
        engine.dispose()
