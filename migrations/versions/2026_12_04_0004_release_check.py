"""The last `salary-api fetch-oews --check`: whether BLS has published the OEWS period after the newest held.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "release_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("source_url", _text(500), nullable=False),
        sa.Column("newest_held", _text(64), nullable=True),
        sa.Column("next_period", _text(64), nullable=False),
        sa.Column("next_period_start", sa.Date(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("files", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release_check")),
    )


def downgrade() -> None:
    op.drop_table("release_check")
