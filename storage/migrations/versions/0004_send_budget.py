"""send_budget: one chat.postMessage budget shared by every replica

Revision ID: 0004
Revises: 0003
Create Date: 2027-01-18 09:00:00

Each process used to pace its posts with a token bucket of its own, so N replicas sent
N x GOALBOT_SEND_PER_MINUTE. The bucket now lives in this table (one row per budget, its
theoretical arrival time in seconds since the epoch), taken with one atomic UPDATE.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "send_budget",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("tat", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_send_budget")),
    )


def downgrade() -> None:
    op.drop_table("send_budget")
