"""One click, one transaction: the check-in DM's *No change* commits once, whatever the goals."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import select

from bot.application import build_services
from bot.domain.clock import FixedClock
from handlers.actions.checkin import no_change_clicked
from storage.db import unit_of_work
from storage.models import CheckinDelivery, DeliveryKind, DeliveryStatus, GoalUpdate, UpdateSource
from tests.factories import TEAM, make_goal, make_org, make_update

GOALS = 3


@contextmanager
def counted_commits(engine: Engine) -> Iterator[list[int]]:
    """Counts the transactions committed on ``engine`` inside the block (one per unit of work)."""
    commits = [0]

    def count(_connection: Any) -> None:
        commits[0] += 1

    event.listen(engine, "commit", count)
    try:
        yield commits
    finally:
        event.remove(engine, "commit", count)


def _sent_checkin(engine: Engine, clock: FixedClock) -> int:
    """The rep owns three goals (one with a value) and has a check-in DM waiting for an answer."""
    with unit_of_work(engine) as session:
        org = make_org(session)
        goals = [
            make_goal(session, org.rep, org.emea, title=f"Goal {n}", baseline=0.0, target=10.0)
            for n in range(GOALS)
        ]
        make_update(session, goals[0], 4.0)
        delivery = CheckinDelivery(
            team_id=TEAM,
            person_id=org.rep.id or 0,
            kind=DeliveryKind.CHECKIN,
            period_key="2027-W01",
            due_at=clock.now(),
            status=DeliveryStatus.SENT,
            channel="DREP",
            message_ts="1.1",
            sent_at=clock.now(),
            created_at=clock.now(),
        )
        session.add(delivery)
        session.flush()
        return delivery.id or 0


def test_one_no_change_click_is_one_unit_of_work(engine: Engine, clock: FixedClock) -> None:
    delivery_id = _sent_checkin(engine, clock)
    handle = no_change_clicked(build_services(engine, clock))
    body = {"team": {"id": TEAM}, "user": {"id": "UREP"}, "channel": {"id": "DREP"}}
    replies: list[dict[str, Any]] = []

    with counted_commits(engine) as commits:
        handle(body=body, action={"value": str(delivery_id)}, respond=lambda **r: replies.append(r))

    assert commits[0] == 1
    with unit_of_work(engine) as session:
        updates = list(session.exec(select(GoalUpdate).where(GoalUpdate.no_change)))
        delivery = session.get(CheckinDelivery, delivery_id)
    assert len(updates) == GOALS
    assert {(u.source, u.delivery_id) for u in updates} == {(UpdateSource.BUTTON, delivery_id)}
    assert delivery is not None and delivery.status is DeliveryStatus.ANSWERED
    assert delivery.answered_at == clock.now()
    assert [reply["replace_original"] for reply in replies] == [True]
    assert "no change (4)" in str(replies[0]["blocks"])


def test_a_second_no_change_click_records_nothing_new(engine: Engine, clock: FixedClock) -> None:
    delivery_id = _sent_checkin(engine, clock)
    handle = no_change_clicked(build_services(engine, clock))
    body = {"team": {"id": TEAM}, "user": {"id": "UREP"}}
    for _ in range(2):
        with counted_commits(engine) as commits:
            handle(body=body, action={"value": str(delivery_id)}, respond=lambda **_: None)
        assert commits[0] == 1
    with unit_of_work(engine) as session:
        assert len(list(session.exec(select(GoalUpdate)))) == 1 + GOALS
