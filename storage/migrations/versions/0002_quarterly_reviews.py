"""quarterly reviews: posting state, response keys, carried-over goals

Revision ID: 0002
Revises: 0001
Create Date: 2027-01-04 09:00:00

- ``review``: status, lease, attempts, posted_at and error, so each review thread is
  posted exactly once by whichever replica claims it (existing rows count as sent).
- ``review_response``: ``key`` (one rating per person, one row per thread reply) unique per
  review, and ``updated_at``; existing rows get ``row:<id>``.
- ``goal.carried_from_id``: the goal a carried-over goal continues.

Columns are added and dropped with plain ``ALTER TABLE`` (SQLite 3.35+ drops columns itself):
a batch rebuild of ``goal`` or ``review`` would fail on SQLite once other tables' rows point
at them. Only ``review_response``, which nothing points at, is rebuilt for its constraint.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("pending", "sending", "sent", "answered", "skipped", "missed", "failed")
REVIEW_COLUMNS = ("status", "lease_until", "attempts", "posted_at", "error")


def upgrade() -> None:
    op.add_column("goal", sa.Column("carried_from_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_goal_carried_from_id"), "goal", ["carried_from_id"])

    status = sa.Enum(*STATUSES, name="deliverystatus", native_enum=False, length=16)
    op.add_column("review", sa.Column("status", status, nullable=False, server_default="sent"))
    op.add_column("review", sa.Column("lease_until", sqlmodel.sql.sqltypes.UTCDateTime()))
    op.add_column("review", sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("review", sa.Column("posted_at", sqlmodel.sql.sqltypes.UTCDateTime()))
    op.add_column("review", sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=500)))
    op.create_index("ix_review_status", "review", ["status"])

    key = sqlmodel.sql.sqltypes.AutoString(length=64)
    op.add_column("review_response", sa.Column("key", key, nullable=False, server_default=""))
    op.add_column("review_response", sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime()))
    op.execute("UPDATE review_response SET key = 'row:' || id")
    with op.batch_alter_table("review_response", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_review_response_review_id_key"), ["review_id", "key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("review_response", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_review_response_review_id_key"), type_="unique")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("key")

    op.drop_index("ix_review_status", table_name="review")
    for name in REVIEW_COLUMNS:
        op.drop_column("review", name)

    op.drop_index(op.f("ix_goal_carried_from_id"), table_name="goal")
    op.drop_column("goal", "carried_from_id")
