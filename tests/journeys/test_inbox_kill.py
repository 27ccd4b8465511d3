"""Nothing acknowledged is lost: ``goalbot serve`` SIGKILLed in the middle of a burst.

The real ``goalbot serve`` process (``GOALBOT_INBOX_WAIT_SECONDS=2``) takes a burst of signed
requests from 30 client threads, 100 a second (300 owners, one request each: ``/goal update
G-N V``, a click on *No change* in their check-in DM, or ``G-N V`` typed in their DM), while
every Slack call it makes takes 0.2 s, so that work is under way when the kill comes. 1.5 s in
(about 150 answered 200, about 40 done, 8 half done) it is SIGKILLed; it is started again on
the same database and the rest of the burst goes to it. Then, within a bounded wait, the inbox
is empty, nothing is parked, every request that got 200 is stored exactly once (its value, or
its check-in's *no change*, found once) and its user got the answer (the ``response_url``
post, or the confirmation in the DM; the check-in DM shows *no change*). In the replica
variant (PostgreSQL) two processes share the database, the burst is spread over both, and the
killed one never comes back: the other takes over its rows and finishes them.

What reaches the user: the answer comes twice for a request whose work was under way when the
process died, its answer already posted but the row not yet done: the next attempt finds the
update stored (its dedup key is the row's), changes nothing, and answers again. Seen on this
2-core machine: 0 to 8 of 300 per run, the requests being worked on at the kill; every other
request is answered once. Each test prints what it saw (``pytest -s``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from devkit.standin import SlackStandin
from storage.models import DeliveryStatus
from tests.handlers.harness import rendered
from tests.journeys.inbox_support import (
    Burst,
    Crowd,
    Latency,
    Outcome,
    Request,
    Requests,
    answers_to,
    crowd_database,
    crowd_standin,
    inbox_left,
    inbox_live,
    inbox_rows,
    owner,
    send_checkins,
    serving,
    until,
    updates_by_value,
)

OWNERS = 300
RATE = 100.0  # requests a second: the burst lasts 3 s
KILL_AT = 1.5  # seconds into the burst, once KILL_AFTER requests got HTTP 200
KILL_AFTER = 100
SLACK_ROUND_TRIP = 0.2  # seconds each Slack call takes during the burst
DRAIN_TIMEOUT = 30.0  # seconds for the inbox to be empty after the last request
KINDS = ("update", "click", "reply")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@dataclass
class World:
    """A crowd's database and the stand-in its processes talk to."""

    crowd: Crowd
    slack: SlackStandin
    latency: Latency
    workdir: Path


@contextmanager
def crowd_world(backend: str, workdir: Path, owners: int = OWNERS) -> Iterator[World]:
    """The crowd's database on `backend` and a stand-in knowing its people."""
    with ExitStack() as stack:
        crowd = stack.enter_context(crowd_database(backend, workdir, owners))
        slack, latency = stack.enter_context(crowd_standin(crowd))
        yield World(crowd, slack, latency, workdir)


def burst_of(world: World, kind: str, owners: int = OWNERS) -> list[Request]:
    """One request of `kind` per owner, each with a value of its own."""
    requests = Requests(world.slack, world.crowd)
    if kind == "update":
        return [requests.update_command(owner(n), 1000 + n) for n in range(1, owners + 1)]
    if kind == "click":
        send_checkins(world.crowd, world.slack, world.workdir, owners)
        return [requests.no_change_click(owner(n)) for n in range(1, owners + 1)]
    return [requests.typed_reply(owner(n), 5000 + n) for n in range(1, owners + 1)]


def slow_slack(world: World) -> None:
    """From now on every Slack call takes a real round trip: work is under way (answers on
    their way to Slack) whenever the process is killed."""
    world.latency.seconds = SLACK_ROUND_TRIP


def check_nothing_acked_was_lost(
    world: World, kind: str, burst: list[Request], outcome: Outcome, log: str
) -> Counter[int]:
    """Every request answered 200 is stored exactly once and its user got an answer (once or
    twice); no other request is stored twice. How many answers each acked request got."""
    crowd, slack = world.crowd, world.slack
    acked = outcome.acked(burst)
    assert len(acked) > KILL_AFTER, f"only {len(acked)} of {len(burst)} acked"
    assert (outcome.killed_after or 0) < len(acked), "the kill came after the burst"
    rows = inbox_rows(crowd.engine)
    parked = [(row.id, row.error) for row in rows if row.status == DeliveryStatus.FAILED]
    assert not parked, f"parked: {parked}\n{log}"
    recovered = [row for row in rows if row.attempts > 1]
    assert recovered, "no request was left to recover: the kill came too late to test anything"
    stored = updates_by_value(crowd.engine)

    def count(request: Request) -> int:
        goal = crowd.goal_of[request.user]
        if kind == "click":
            return sum(n for (g, _, no_change), n in stored.items() if g == goal and no_change)
        return stored.get((goal, request.value, False), 0)

    twice = [r.user for r in burst if count(r) > 1]
    assert not twice, f"stored more than once: {twice}"
    lost = [r.user for r in acked if count(r) != 1]
    assert not lost, f"{len(lost)} acked requests not stored: {lost[:10]}…\n{log}"
    answers = _answers(world, kind, acked)
    unanswered = [user for user, n in answers.items() if n == 0]
    assert not unanswered, f"{len(unanswered)} acked requests unanswered: {unanswered[:10]}"
    assert max(answers.values()) <= 2, Counter(answers.values())
    seen = Counter(answers.values())
    attempts = Counter(row.attempts for row in rows)
    print(
        f"{kind}: {len(burst)} sent, {len(acked)} acked, killed after {outcome.killed_after} "
        f"({outcome.killed_at:.2f} s in); answers per acked request: {dict(seen)}; "
        f"inbox rows by attempts: {dict(attempts)}"
    )
    if kind == "click":
        shown = [
            r.user for r in acked if "no change" not in rendered(slack.dm_messages(r.user)[-1])
        ]
        assert not shown, f"check-in DMs not showing the answer: {shown[:10]}"
    return seen


def _answers(world: World, kind: str, acked: list[Request]) -> dict[str, int]:
    """How many answers each acked request's user got."""
    if kind == "reply":  # the confirmation is posted in the DM
        return {
            r.user: sum(
                f"{r.value:g}" in rendered(message) for message in world.slack.dm_messages(r.user)
            )
            for r in acked
        }
    by_ticket = answers_to(world.slack, [r.ticket for r in acked])
    return {r.user: by_ticket[r.ticket or ""] for r in acked}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_sigkill_mid_burst_loses_nothing_acknowledged(
    backend: str, kind: str, tmp_path: Path
) -> None:
    with crowd_world(backend, tmp_path) as world:
        burst = burst_of(world, kind)
        slow_slack(world)
        with serving(world.crowd, world.slack, tmp_path, "serve") as serve:
            outcome = Burst(serve.url).run(
                burst,
                rate=RATE,
                kill_after=KILL_AFTER,
                kill_at=KILL_AT,
                kill=serve.kill,
                restart=serve.start,
            )
            until(
                lambda: inbox_left(world.crowd.engine) == 0,
                timeout=DRAIN_TIMEOUT,
                what=lambda: (
                    f"the inbox empty: {inbox_live(world.crowd.engine)}\n" + serve.output()[-3000:]
                ),
            )
            log = serve.output()
        check_nothing_acked_was_lost(world, kind, burst, outcome, log[-5000:])


@pytest.mark.postgres
@pytest.mark.parametrize("kind", KINDS)
def test_the_replica_left_finishes_what_a_killed_one_acked(kind: str, tmp_path: Path) -> None:
    with crowd_world("postgres", tmp_path) as world:
        burst = burst_of(world, kind)
        slow_slack(world)
        with (
            serving(world.crowd, world.slack, tmp_path, "doomed") as doomed,
            serving(world.crowd, world.slack, tmp_path, "survivor") as survivor,
        ):
            outcome = Burst(doomed.url).run(
                burst,
                rate=RATE,
                kill_after=KILL_AFTER,
                kill_at=KILL_AT,
                kill=doomed.kill,
                urls=[doomed.url, survivor.url],
            )
            until(
                lambda: inbox_left(world.crowd.engine) == 0,
                timeout=DRAIN_TIMEOUT,
                what=lambda: (
                    f"the inbox empty: {inbox_live(world.crowd.engine)}\n"
                    + survivor.output()[-3000:]
                ),
            )
            log = doomed.output()[-2000:] + survivor.output()[-3000:]
        check_nothing_acked_was_lost(world, kind, burst, outcome, log)
