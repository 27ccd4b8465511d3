"""The inbox's rows: stored once per request, claimed under a lease, effects fenced, pruned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from bot.domain.clock import FixedClock
from bot.services.inbox import RETENTION, WAIT, AlreadyApplied, InboxService
from storage.db import unit_of_work
from storage.models import DeliveryStatus, InboxRequest, ProcessedEvent

NOW = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
BODY = {"command": "/goal", "text": "update G-1 5", "team_id": "T1", "user_id": "U1"}


def _events(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.execute(select(func.count()).select_from(ProcessedEvent)).scalar_one())


def _row(engine: Engine, row_id: int) -> InboxRequest:
    with Session(engine) as session:
        row = session.get(InboxRequest, row_id)
        assert row is not None
        return row


def _write(engine: Engine, key: str) -> None:
    """A unit of work that changes a row (any table will do)."""
    with unit_of_work(engine) as session:
        session.add(ProcessedEvent(key=key, team_id="T1", created_at=NOW))


def test_a_request_is_stored_once_and_a_replay_is_recognised(engine: Engine) -> None:
    inbox = InboxService(engine, FixedClock(NOW))
    first = inbox.store(team_id="T1", kind="command", request_key="k1", body=BODY, take=True)
    again = inbox.store(team_id="T1", kind="command", request_key="k1", body=BODY, take=True)
    assert first is not None and again is None
    row = _row(engine, first.id)
    assert (row.status, row.attempts, row.body) == (DeliveryStatus.SENDING, 1, BODY)
    assert (
        row.lease_until == NOW + WAIT
    )  # waits that long for this process before others may take it


def test_the_work_and_the_applied_mark_commit_together_and_never_twice(engine: Engine) -> None:
    inbox = InboxService(engine, FixedClock(NOW))
    held = inbox.store(team_id="T1", kind="command", request_key="k2", body=BODY, take=True)
    assert held is not None
    with inbox.working(held):
        with unit_of_work(engine) as session:  # a read changes nothing: no mark
            session.execute(select(func.count()).select_from(ProcessedEvent))
        assert _row(engine, held.id).applied_at is None
        _write(engine, "first")
        assert _row(engine, held.id).applied_at == NOW
        _write(engine, "second")  # later writes of the same attempt go through
    row = _row(engine, held.id)
    assert (row.status, row.done_at) == (DeliveryStatus.DONE, NOW)
    assert _events(engine) == 2


def test_a_second_attempt_that_would_apply_again_is_rolled_back(engine: Engine) -> None:
    inbox = InboxService(engine, FixedClock(NOW))
    held = inbox.store(team_id="T1", kind="command", request_key="k3", body=BODY, take=True)
    assert held is not None
    with pytest.raises(RuntimeError), inbox.working(held):
        _write(engine, "applied")
        raise RuntimeError("the process died here, before the answer")
    clock = FixedClock(NOW + WAIT)
    (claimed,) = InboxService(engine, clock).claim(10)
    assert (claimed.id, claimed.attempt, claimed.recovering) == (held.id, 2, True)
    assert claimed.applied_at == NOW
    with pytest.raises(AlreadyApplied), InboxService(engine, clock).working(claimed):
        _write(engine, "applied again")
    assert _events(engine) == 1  # the second attempt's write was rolled back


def test_claims_take_expired_leases_and_pending_rows_but_not_done_ones(engine: Engine) -> None:
    clock = FixedClock(NOW)
    inbox = InboxService(engine, clock)
    taken = inbox.store(team_id="T1", kind="action", request_key="a", body=BODY, take=True)
    waiting = inbox.store(team_id="T1", kind="event", request_key="b", body=BODY, take=False)
    done = inbox.store(team_id="T1", kind="action", request_key="c", body=BODY, take=True)
    assert taken and waiting and done
    with inbox.working(done):
        pass
    assert [r.id for r in inbox.claim(10)] == [waiting.id]  # the live lease is respected
    clock.advance(WAIT)
    assert [r.id for r in inbox.claim(10)] == [taken.id, waiting.id]  # both leases ran out
    backlog = inbox.backlog()
    assert (backlog.waiting, backlog.working, backlog.oldest) == (0, 2, NOW)


def test_parked_rows_are_listed_and_done_rows_pruned_after_retention(engine: Engine) -> None:
    clock = FixedClock(NOW)
    inbox = InboxService(engine, clock)
    failing = inbox.store(team_id="T1", kind="action", request_key="p", body=BODY, take=True)
    done = inbox.store(team_id="T1", kind="action", request_key="q", body=BODY, take=True)
    assert failing and done
    inbox.park(failing, "RuntimeError: boom")
    with inbox.working(done):
        pass
    assert [(p.id, p.error) for p in inbox.backlog().parked] == [(failing.id, "RuntimeError: boom")]
    clock.advance(RETENTION - timedelta(seconds=1))
    assert inbox.prune() == 0
    clock.advance(timedelta(seconds=2))
    assert inbox.prune() == 1
    assert _row(engine, failing.id).status == DeliveryStatus.FAILED  # parked rows stay
