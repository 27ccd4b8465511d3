"""Three replicas on one PostgreSQL run the real tick at the quarter's end: each unit's review
thread is posted once and each close-out DM due is sent once.

Three OS processes (``multiprocessing`` spawn) run ``goalbot.tick.make_tick`` (reviews,
then the check-in outbox with the close-outs) against one schema holding Northwind's seeded
2027-Q1 and post over HTTP to the Slack stand-in, whose channel and DMs are the record in
which duplicates and gaps are counted.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Iterator
from multiprocessing.process import BaseProcess

import pytest
from sqlalchemy import Engine, text
from sqlmodel import SQLModel, select

from bot.delivery.tags import delivery_id_of, review_id_of
from devkit.standin import SlackStandin
from storage.db import unit_of_work
from storage.models import (
    CheckinDelivery,
    DeliveryKind,
    DeliveryStatus,
    DigestSubscription,
    Person,
    Review,
)
from tests.bot.test_review_support import NORTHWIND, REVIEW_AT, seed_quarter
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.postgres
REPLICAS = 3
JOIN_SECONDS = 120


@pytest.fixture
def standin(pg_engine: Engine) -> Iterator[SlackStandin]:
    """The stand-in with Northwind's people and #leadership, the company digest channel."""
    seed_quarter(pg_engine)
    with SlackStandin(threads=8) as slack:
        with unit_of_work(pg_engine) as session:
            people = [person.slack_user_id for person in session.exec(select(Person))]
            for user_id in people:
                slack.add_user(user_id.lower(), user_id=user_id)
            channel = slack.add_channel("leadership", members=people)
            session.add(
                DigestSubscription(
                    team_id=NORTHWIND, channel_id=channel, unit_id=None, created_at=REVIEW_AT
                )
            )
        yield slack


def _start(engine: Engine, standin: SlackStandin) -> BaseProcess:
    from tests.bot.test_review_support import review_replica_main

    with engine.connect() as conn:
        schema = str(conn.execute(text("SELECT current_schema()")).scalar_one())
    args = (POSTGRES_URL, schema, standin.api_url, standin.token, REVIEW_AT.isoformat())
    process = multiprocessing.get_context("spawn").Process(target=review_replica_main, args=args)
    process.start()
    return process


def _rows(engine: Engine, model: type[SQLModel]) -> list[object]:
    with unit_of_work(engine) as session:
        return list(session.exec(select(model)))


def test_three_replicas_post_each_review_and_each_close_out_once(
    pg_engine: Engine, standin: SlackStandin
) -> None:
    replicas = [_start(pg_engine, standin) for _ in range(REPLICAS)]
    for process in replicas:
        process.join(JOIN_SECONDS)
    assert [process.exitcode for process in replicas] == [0] * REPLICAS

    reviews = [r for r in _rows(pg_engine, Review) if isinstance(r, Review)]
    threads = Counter(review_id_of(m.get("metadata")) for m in standin.messages("leadership"))
    assert len(reviews) == 9  # every unit with a 2027-Q1 goal; the company has none
    assert threads == Counter({review.id: 1 for review in reviews})
    assert {review.status for review in reviews} == {DeliveryStatus.SENT}

    closeouts = [
        row
        for row in _rows(pg_engine, CheckinDelivery)
        if isinstance(row, CheckinDelivery) and row.kind == DeliveryKind.CLOSEOUT
    ]
    sent = [row for row in closeouts if row.status == DeliveryStatus.SENT]
    waiting = [row for row in closeouts if row.due_at > REVIEW_AT]
    assert sent and waiting  # owners far east or west get theirs in their next working hours
    assert len(sent) + len(waiting) == len(closeouts)
    dms = Counter(
        delivery_id_of(message.get("metadata"))
        for user in standin.users()
        for message in standin.dm_messages(str(user["id"]))
    )
    assert dms == Counter({row.id: 1 for row in sent})
    assert len(standin.calls("chat.postMessage")) == len(reviews) + len(sent)
