"""Index wage figures and employment by occupation: the API reads one occupation's figures at a time.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 11:15:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_wage_stat_occupation_release", "wage_stat", ["occupation_id", "release_id"])
    op.create_index(
        "ix_area_employment_occupation_release", "area_employment", ["occupation_id", "release_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_area_employment_occupation_release", table_name="area_employment")
    op.drop_index("ix_wage_stat_occupation_release", table_name="wage_stat")
