"""Opening reviews: which units get one, in which channel, and the rows that say so.

The scorecard is taken when the review is created, for every new review of a quarter from one
read of it, and kept with the row: the thread posts that snapshot.

**Where**: a unit's review goes to the first of, walking from the unit up to the company: the
unit's review channel (``/goal review here UNIT``), else the channel subscribed to its digest
(``/goal digest here UNIT``; the oldest subscription when there are several); and last the
channel subscribed to the company's digest. A unit with none of them gets a failed review
("no review channel") that ``/goal review start`` re-arms once a channel is set.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from sqlmodel import Session

from bot.domain.periods import Period
from bot.domain.review import OpenedReviews, Scorecard
from bot.reviews.data import load_quarter
from bot.reviews.measure import QuarterScorecards
from bot.reviews.policy import review_periods
from storage.models import DigestSubscription, Unit
from storage.repositories import review_posting
from storage.repositories.digests import list_subscriptions
from storage.repositories.review_posting import NewReview
from storage.repositories.reviews import reviewed_units, units_with_goals
from storage.repositories.units import list_units


def review_channel(
    unit_id: int, units: Mapping[int, Unit], subscriptions: Sequence[DigestSubscription]
) -> str | None:
    """Where a unit's review goes (module rule), or None when nowhere is set."""
    digest: dict[int | None, str] = {}
    for row in sorted(subscriptions, key=lambda sub: sub.id or 0):
        digest.setdefault(row.unit_id, row.channel_id)
    seen: set[int] = set()
    current: int | None = unit_id
    while current is not None and current not in seen and current in units:
        seen.add(current)
        unit = units[current]
        channel = unit.review_channel or digest.get(current)
        if channel:
            return channel
        current = unit.parent_id
    return digest.get(None)


def open_reviews(
    session: Session,
    team_id: str,
    quarter: Period,
    now: datetime,
    *,
    unit_ids: Collection[int] | None = None,
    started_by: int | None = None,
    rearm: bool = False,
) -> OpenedReviews:
    """Create (once) the reviews of these units, or of every unit with goals, for a quarter.

    Two small queries when every review exists already (what most ticks find).
    """
    period = str(quarter)
    with_goals = set(
        units_with_goals(session=session, team_id=team_id, periods=review_periods(quarter))
    )
    asked = with_goals if unit_ids is None else set(unit_ids)
    targets = sorted(asked & with_goals)
    existing = reviewed_units(session=session, team_id=team_id, period=period)
    new = [unit_id for unit_id in targets if unit_id not in existing]
    if not new and not rearm and unit_ids is None:
        return OpenedReviews(quarter, tuple(targets))
    units = {unit.id: unit for unit in list_units(session=session, team_id=team_id) if unit.id}
    subscriptions = list_subscriptions(session=session, team_id=team_id)
    channels = {unit_id: review_channel(unit_id, units, subscriptions) for unit_id in targets}
    cards = _scorecards(session, team_id, quarter, now, new)
    rows = [
        NewReview(
            team_id,
            unit_id,
            period,
            channels[unit_id],
            started_by,
            cards[unit_id].to_json(),
            cards[unit_id].diagnosis.text,
        )
        for unit_id in new
    ]
    created = review_posting.insert_reviews(session=session, rows=rows, now=now)
    rearmed = 0
    if rearm:
        rearmed = review_posting.rearm_failed(
            session=session, team_id=team_id, period=period, channels=channels
        )
    idle = sorted(units[unit_id].name for unit_id in asked - with_goals if unit_id in units)
    return OpenedReviews(quarter, tuple(targets), tuple(created), rearmed, tuple(idle))


def _scorecards(
    session: Session, team_id: str, quarter: Period, now: datetime, unit_ids: Sequence[int]
) -> dict[int, Scorecard]:
    """The new reviews' scorecards, from one read of the quarter (none to read: no query)."""
    if not unit_ids:
        return {}
    built = QuarterScorecards(load_quarter(session, team_id, quarter, now))
    return {unit_id: built.for_unit(unit_id) for unit_id in unit_ids}
