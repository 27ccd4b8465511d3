"""Ack first, work after: the executor yields to unanswered requests, but never starves."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any, cast

from slack_bolt.kwargs_injection import Args

from handlers.deferred import AckFirstExecutor, InFlight, after_ack

WAIT = 5.0  # generous bound for a thread to be scheduled; never reached when things work


def test_work_waits_until_the_requests_in_flight_are_answered() -> None:
    requests = InFlight()
    started = threading.Event()
    in_flight = threading.Event()
    release = threading.Event()

    def hold_a_request() -> None:
        with requests.request():
            in_flight.set()
            release.wait(WAIT)

    holder = threading.Thread(target=hold_a_request)
    holder.start()
    assert in_flight.wait(WAIT)
    with AckFirstExecutor(1, requests=requests, yield_at_most=WAIT) as executor:
        future = executor.submit(started.set)
        assert not started.wait(0.2), "work started while a request was still in flight"
        release.set()
        future.result(WAIT)
    holder.join(WAIT)
    assert started.is_set()


def test_work_starts_anyway_after_yielding_briefly() -> None:
    requests = InFlight()
    done = threading.Event()
    with requests.request(), AckFirstExecutor(1, requests=requests, yield_at_most=0.05) as pool:
        pool.submit(done.set).result(WAIT)
    assert done.is_set()


def test_after_ack_acks_before_the_work_and_hands_it_the_arguments_it_declares() -> None:
    order: list[str] = []
    received: dict[str, Any] = {}
    finished = threading.Event()

    def handler(body: dict[str, Any], action: dict[str, Any]) -> None:
        order.append("work")
        received.update(body=body, action=action)
        finished.set()

    with AckFirstExecutor(1, requests=InFlight()) as executor:
        listener = after_ack(handler, executor=executor)
        args = SimpleNamespace(
            ack=lambda: order.append("ack"),
            body={"type": "block_actions"},
            action={"value": "7"},
            context={},
        )
        listener(cast(Args, args))
        assert finished.wait(WAIT)
    assert order == ["ack", "work"]
    assert received == {"body": {"type": "block_actions"}, "action": {"value": "7"}}


def test_an_error_after_the_ack_is_told_to_the_person() -> None:
    told: list[dict[str, Any]] = []

    def broken(body: dict[str, Any]) -> None:
        raise RuntimeError("database on fire")

    client = SimpleNamespace(chat_postMessage=lambda **kw: told.append(kw))
    with AckFirstExecutor(1, requests=InFlight()) as executor:
        args = SimpleNamespace(
            ack=lambda: None, body={"user": {"id": "U1"}}, respond=None, client=client, context={}
        )
        after_ack(broken, executor=executor)(cast(Args, args))
    assert len(told) == 1
    assert told[0]["channel"] == "U1"
    assert "database on fire" not in told[0]["text"]


def test_quiet_means_no_request_answered_for_a_moment_either() -> None:
    requests = InFlight(settle=0.05)
    assert requests.wait_until_quiet(0)  # nothing has happened yet
    with requests.request():
        pass
    assert not requests.wait_until_quiet(0), "a burst's next request may be a moment away"
    assert requests.wait_until_quiet(WAIT)


def test_wait_idle_returns_once_queued_work_has_finished() -> None:
    release = threading.Event()
    finished: list[int] = []

    def slow(n: int) -> None:
        release.wait(WAIT)
        finished.append(n)

    with AckFirstExecutor(2, requests=InFlight()) as executor:
        for n in range(3):
            executor.submit(slow, n)
        assert not executor.wait_idle(0.05), "three tasks are still waiting"
        release.set()
        assert executor.wait_idle(WAIT)
        assert sorted(finished) == [0, 1, 2]
        assert executor.wait_idle(0), "nothing is left once the queue is empty"
