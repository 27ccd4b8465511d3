"""index goal_update.delivery_id

Revision ID: 0003
Revises: 0002
Create Date: 2027-01-11 09:00:00

An Undo on a check-in finds the updates recorded in answer to it by ``delivery_id``; without
an index that is a scan of every update in the workspace (a million rows at 10,000 people).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_goal_update_delivery_id"), "goal_update", ["delivery_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_goal_update_delivery_id"), table_name="goal_update")
