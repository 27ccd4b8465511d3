"""inbox: every request Slack sends, stored before its ack until its work is done

Revision ID: 0005
Revises: 0004
Create Date: 2027-01-25 09:00:00

goalbot acknowledges first and works after. The work used to wait in memory, so a process
that died lost what it had acknowledged; it now waits in this table, claimed by workers under
a lease like the outboxes' rows (``storage/repositories/leases.py``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("pending", "sending", "sent", "answered", "skipped", "missed", "failed", "done")


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    when = sqlmodel.sql.sqltypes.UTCDateTime
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", text(length=32), nullable=False),
        sa.Column("kind", text(length=16), nullable=False),
        sa.Column("request_key", text(length=64), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(*STATUSES, name="deliverystatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("due_at", when(), nullable=False),
        sa.Column("lease_until", when(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("applied_at", when(), nullable=True),
        sa.Column("done_at", when(), nullable=True),
        sa.Column("error", text(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox")),
        sa.UniqueConstraint("request_key", name=op.f("uq_inbox_request_key")),
    )
    op.create_index("ix_inbox_status_due_at", "inbox", ["status", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_inbox_status_due_at", table_name="inbox")
    op.drop_table("inbox")
