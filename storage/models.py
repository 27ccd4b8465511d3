"""goalbot's tables: one place for every stored shape.

Every timestamp is a plain ``datetime`` field, which SQLModel stores and returns as
timezone-aware UTC on SQLite and PostgreSQL alike. Every row belongs to one
workspace (``team_id``); repositories always filter by it.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlalchemy import Enum as SAEnum
from sqlalchemy.ext.mutable import MutableDict, MutableList
from sqlmodel import Field, SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


class Role(enum.StrEnum):
    """What a person may do beyond their own goals."""

    MEMBER = "member"
    EXECUTIVE = "executive"
    ADMIN = "admin"


class Cadence(enum.StrEnum):
    """How often owners are asked for progress."""

    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


class Direction(enum.StrEnum):
    """Whether a metric should go up or down."""

    INCREASE = "increase"
    DECREASE = "decrease"


class GoalStatus(enum.StrEnum):
    """A goal's life cycle."""

    DRAFT = "draft"
    ACTIVE = "active"
    ACHIEVED = "achieved"
    MISSED = "missed"
    DROPPED = "dropped"
    CARRIED_OVER = "carried_over"


CLOSED_STATUSES = frozenset(
    {GoalStatus.ACHIEVED, GoalStatus.MISSED, GoalStatus.DROPPED, GoalStatus.CARRIED_OVER}
)


class Visibility(enum.StrEnum):
    """Who may read a goal."""

    PUBLIC = "public"
    UNIT = "unit"
    PRIVATE = "private"


class Health(enum.StrEnum):
    """On track, at risk, off track; reported by an owner or computed."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


class UpdateSource(enum.StrEnum):
    """Where a progress update came from."""

    BUTTON = "button"
    MODAL = "modal"
    TYPED = "typed"
    COMMAND = "command"
    IMPORT = "import"


class DeliveryKind(enum.StrEnum):
    """What an outbox row delivers."""

    CHECKIN = "checkin"
    REMINDER = "reminder"
    ESCALATION = "escalation"
    CLOSEOUT = "closeout"


class DeliveryStatus(enum.StrEnum):
    """Where an outbox row is in its life."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    ANSWERED = "answered"
    SKIPPED = "skipped"
    MISSED = "missed"
    FAILED = "failed"
    DONE = "done"  # an inbox request whose work is finished


def _enum(enum_type: type[enum.StrEnum]) -> Any:
    """Store an enum as its value in a plain string column (no native enum types to migrate)."""
    return SAEnum(
        enum_type,
        native_enum=False,
        create_constraint=False,
        length=16,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def _json_dict() -> Any:
    return Column(MutableDict.as_mutable(JSON), nullable=False, default=dict)


def _json_list() -> Any:
    return Column(MutableList.as_mutable(JSON), nullable=False, default=list)


class Workspace(SQLModel, table=True):
    """One Slack team and its settings."""

    id: str = Field(primary_key=True, max_length=32)
    name: str = Field(default="", max_length=200)
    timezone: str = Field(default="UTC", max_length=64)
    fiscal_year_start_month: int = Field(default=1, ge=1, le=12)
    cadence: Cadence = Field(default=Cadence.WEEKLY, sa_type=_enum(Cadence))
    checkin_weekday: int = Field(default=3, ge=0, le=6)  # Monday is 0
    checkin_time: str = Field(default="10:00", max_length=5)
    digest_weekday: int = Field(default=0, ge=0, le=6)
    digest_time: str = Field(default="09:00", max_length=5)
    holidays: list[str] = Field(default_factory=list, sa_column=_json_list())
    escalation_enabled: bool = True
    weekly_dm_cap: int = 5
    created_at: datetime


class Unit(SQLModel, table=True):
    """A node of the org tree: the company, a business unit or a team."""

    __table_args__ = (UniqueConstraint("team_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.id", index=True, max_length=32)
    key: str = Field(default_factory=lambda: f"other:{uuid.uuid4().hex}", max_length=64)
    name: str = Field(max_length=200)
    parent_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    # No foreign key: unit and person refer to each other; repositories keep it valid.
    lead_id: int | None = Field(default=None, index=True)
    review_channel: str | None = Field(default=None, max_length=32)
    created_at: datetime


class Person(SQLModel, table=True):
    """Someone in the workspace: an owner, a lead, an executive."""

    __table_args__ = (
        UniqueConstraint("team_id", "slack_user_id"),
        Index("ix_person_team_next_checkin", "team_id", "next_checkin_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.id", max_length=32)
    slack_user_id: str = Field(max_length=32)
    name: str = Field(default="", max_length=200)
    email: str | None = Field(default=None, max_length=254, index=True)
    tz: str | None = Field(default=None, max_length=64)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    manager_id: int | None = Field(default=None, foreign_key="person.id")
    role: Role = Field(default=Role.MEMBER, sa_type=_enum(Role))
    checkin_weekday: int | None = Field(default=None, ge=0, le=6)
    checkin_time: str | None = Field(default=None, max_length=5)
    away_until: date | None = None
    next_checkin_at: datetime | None = None
    is_active: bool = True
    created_at: datetime
    updated_at: datetime


class Csf(SQLModel, table=True):
    """A critical success factor of one unit for one period, ranked."""

    __table_args__ = (
        UniqueConstraint("team_id", "key"),
        Index("ix_csf_team_unit_period", "team_id", "unit_id", "period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.id", max_length=32)
    key: str = Field(default_factory=lambda: f"other:{uuid.uuid4().hex}", max_length=64)
    unit_id: int = Field(foreign_key="unit.id")
    period: str = Field(max_length=16)
    rank: int = 1
    title: str = Field(max_length=200)
    kpi: str | None = Field(default=None, max_length=200)
    created_at: datetime


class Goal(SQLModel, table=True):
    """A goal in the cascade: owner, unit, period, metric and status."""

    __table_args__ = (
        UniqueConstraint("team_id", "number"),
        UniqueConstraint("team_id", "key"),
        Index("ix_goal_team_owner_period", "team_id", "owner_id", "period"),
        Index("ix_goal_team_unit_period", "team_id", "unit_id", "period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.id", max_length=32)
    number: int  # shown to people as G-<number>
    key: str | None = Field(default=None, max_length=64)  # stable key from a plan file
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=3000)
    owner_id: int = Field(foreign_key="person.id")
    unit_id: int = Field(foreign_key="unit.id")
    period: str = Field(max_length=16)
    parent_id: int | None = Field(default=None, foreign_key="goal.id", index=True)
    # The goal this one continues when it was carried over from an earlier period. No foreign
    # key (goals are never deleted): it keeps migrations on SQLite free of table rebuilds.
    carried_from_id: int | None = Field(default=None, index=True)
    csf_id: int | None = Field(default=None, foreign_key="csf.id", index=True)
    metric_name: str | None = Field(default=None, max_length=200)
    metric_unit: str | None = Field(default=None, max_length=32)
    baseline: float | None = None
    target: float | None = None
    direction: Direction = Field(default=Direction.INCREASE, sa_type=_enum(Direction))
    due_date: date | None = None
    weight: float = 1.0
    status: GoalStatus = Field(default=GoalStatus.ACTIVE, sa_type=_enum(GoalStatus))
    visibility: Visibility = Field(default=Visibility.PUBLIC, sa_type=_enum(Visibility))
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None


class GoalUpdate(SQLModel, table=True):
    """One immutable progress record for a goal."""

    __tablename__ = "goal_update"
    __table_args__ = (
        Index("ix_goal_update_latest", "goal_id", "created_at", "id"),
        UniqueConstraint("team_id", "dedup_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.id", max_length=32)
    goal_id: int = Field(foreign_key="goal.id")
    value: float | None = None
    health: Health | None = Field(default=None, sa_type=_enum(Health))
    confidence: int | None = Field(default=None, ge=1, le=10)
    note: str = Field(default="", max_length=3000)
    blocker: bool = False
    no_change: bool = False
    author_id: int | None = Field(default=None, foreign_key="person.id")
    source: UpdateSource = Field(sa_type=_enum(UpdateSource))
    delivery_id: int | None = Field(default=None, foreign_key="checkin_delivery.id", index=True)
    dedup_key: str | None = Field(default=None, max_length=128)
    created_at: datetime


class CheckinDelivery(SQLModel, table=True):
    """The outbox: one prompt to one person for one cycle, delivered exactly once."""

    __tablename__ = "checkin_delivery"
    __table_args__ = (
        UniqueConstraint("team_id", "person_id", "kind", "period_key"),
        Index("ix_checkin_delivery_status_due", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.id", max_length=32)
    person_id: int = Field(foreign_key="person.id", index=True)
    kind: DeliveryKind = Field(sa_type=_enum(DeliveryKind))
    period_key: str = Field(max_length=32)
    due_at: datetime
    status: DeliveryStatus = Field(default=DeliveryStatus.PENDING, sa_type=_enum(DeliveryStatus))
    lease_until: datetime | None = None
    attempts: int = 0
    channel: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    sent_at: datetime | None = None
    answered_at: datetime | None = None
    error: str | None = Field(default=None, max_length=500)
    created_at: datetime


class DigestSubscription(SQLModel, table=True):
    """A channel that receives the weekly digest for the company or one unit's subtree."""

    __tablename__ = "digest_subscription"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", "unit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.id", max_length=32)
    channel_id: str = Field(max_length=32)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime


class Digest(SQLModel, table=True):
    """One weekly digest posted (or to be posted) for one subscription."""

    __table_args__ = (UniqueConstraint("subscription_id", "week_key"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.id", max_length=32)
    subscription_id: int = Field(foreign_key="digest_subscription.id")
    week_key: str = Field(max_length=16)
    due_at: datetime
    status: DeliveryStatus = Field(default=DeliveryStatus.PENDING, sa_type=_enum(DeliveryStatus))
    lease_until: datetime | None = None
    attempts: int = 0
    message_ts: str | None = Field(default=None, max_length=32)
    sent_at: datetime | None = None
    error: str | None = Field(default=None, max_length=500)
    created_at: datetime


class Review(SQLModel, table=True):
    """A unit's quarterly review thread and its scorecard, posted exactly once.

    The unique (team, unit, period) makes one review per unit and quarter; posting its thread
    follows the outbox's claim pattern (``status``, ``lease_until``, ``attempts``).
    """

    __table_args__ = (
        UniqueConstraint("team_id", "unit_id", "period"),
        Index("ix_review_status", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.id", max_length=32)
    unit_id: int = Field(foreign_key="unit.id")
    period: str = Field(max_length=16)
    channel_id: str | None = Field(default=None, max_length=32)
    thread_ts: str | None = Field(default=None, max_length=32)
    scorecard: dict[str, Any] = Field(default_factory=dict, sa_column=_json_dict())
    diagnosis: str = Field(default="", max_length=500)
    started_by_id: int | None = Field(default=None, foreign_key="person.id")
    started_at: datetime
    closed_at: datetime | None = None
    status: DeliveryStatus = Field(default=DeliveryStatus.PENDING, sa_type=_enum(DeliveryStatus))
    lease_until: datetime | None = None
    attempts: int = 0
    posted_at: datetime | None = None
    error: str | None = Field(default=None, max_length=500)


class ReviewResponse(SQLModel, table=True):
    """A participant's ratings and answers, or a thread reply, recorded with a review.

    ``key`` identifies the response within its review: ``rating:<person id>`` (one rating per
    person, re-submitting updates it) or ``reply:<message ts>`` (one row per thread message);
    a row made without one gets a unique ``other:`` key.
    """

    __tablename__ = "review_response"
    __table_args__ = (UniqueConstraint("review_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.id", max_length=32)
    review_id: int = Field(foreign_key="review.id", index=True)
    key: str = Field(default_factory=lambda: f"other:{uuid.uuid4().hex}", max_length=64)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    strategy_quality: int | None = Field(default=None, ge=1, le=10)
    execution_quality: int | None = Field(default=None, ge=1, le=10)
    worked: str = Field(default="", max_length=3000)
    change: str = Field(default="", max_length=3000)
    reply_text: str = Field(default="", max_length=3000)
    created_at: datetime
    updated_at: datetime | None = None


class AuditEvent(SQLModel, table=True):
    """Who changed what, when, from what to what."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_entity", "team_id", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.id", max_length=32)
    actor: str = Field(max_length=64)  # a Slack user id, "import" or "system"
    entity: str = Field(max_length=32)
    entity_id: int | None = None
    action: str = Field(max_length=32)
    before: dict[str, Any] = Field(default_factory=dict, sa_column=_json_dict())
    after: dict[str, Any] = Field(default_factory=dict, sa_column=_json_dict())
    created_at: datetime


class ProcessedEvent(SQLModel, table=True):
    """A Slack event id already handled, so a retried delivery is processed once."""

    __tablename__ = "processed_event"

    key: str = Field(primary_key=True, max_length=128)
    team_id: str = Field(max_length=32)
    created_at: datetime


class SendBudget(SQLModel, table=True):
    """A token bucket shared by every process that posts (``bot/delivery/budget.py``).

    One row per budget (``key``: the Slack method and workspace it paces). The bucket is kept
    as its *theoretical arrival time* (GCRA): ``tat`` is the instant, in seconds since the
    epoch, at which the bucket would be full again; a post may go out at ``now`` when
    ``tat - (burst - 1) / rate <= now``, and takes ``1 / rate`` seconds from it. A 429 moves
    ``tat`` past the ``Retry-After`` for every process at once.
    """

    __tablename__ = "send_budget"

    key: str = Field(primary_key=True, max_length=64)
    tat: float = 0.0


class InboxRequest(SQLModel, table=True):
    """One request Slack sent, stored before it was acknowledged, until its work is done.

    Claimed like an outbox row (``storage/repositories/leases.py``): ``pending`` (or
    ``sending`` under a lease while a worker does it), then ``done``; ``failed`` is parked,
    with its error. ``request_key`` (the SHA-256 of the payload) makes a replayed request,
    or an event Slack retries, one row. ``applied_at`` is set in the same transaction as the
    work's database effects, so a worker that picks the row up again never applies it twice.
    """

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_status_due_at", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    kind: str = Field(max_length=16)  # command, action, view, options, event
    request_key: str = Field(max_length=64, unique=True)
    body: dict[str, Any] = Field(default_factory=dict, sa_column=_json_dict())
    status: DeliveryStatus = Field(default=DeliveryStatus.PENDING, sa_type=_enum(DeliveryStatus))
    due_at: datetime  # when it arrived
    lease_until: datetime | None = None
    attempts: int = 0
    applied_at: datetime | None = None
    done_at: datetime | None = None
    error: str | None = Field(default=None, max_length=500)
