"""Places and titles as people give them: the HUD-USPS ZIP-CBSA crosswalk, BLS's SOC 2010-to-2018 crosswalk,
O*NET's reported job titles, and a source's license (for attribution).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.add_column("source", sa.Column("license", _text(500), nullable=True))
    op.create_table(
        "zip_cbsa",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("zip", _text(5), nullable=False),
        sa.Column("cbsa", _text(5), nullable=False),
        sa.Column("city", _text(64), nullable=False),
        sa.Column("state", _text(2), nullable=False),
        sa.Column("res_ratio", sa.Float(), nullable=False),
        sa.Column("bus_ratio", sa.Float(), nullable=False),
        sa.Column("oth_ratio", sa.Float(), nullable=False),
        sa.Column("tot_ratio", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["release_id"], ["release.id"], name=op.f("fk_zip_cbsa_release_id_release")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zip_cbsa")),
        sa.UniqueConstraint("release_id", "zip", "cbsa", name=op.f("uq_zip_cbsa_release_id_zip_cbsa")),
    )
    op.create_table(
        "soc_crosswalk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("soc_2010", _text(7), nullable=False),
        sa.Column("soc_2010_title", _text(300), nullable=False),
        sa.Column("soc_2018", _text(7), nullable=False),
        sa.Column("soc_2018_title", _text(300), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"], ["release.id"], name=op.f("fk_soc_crosswalk_release_id_release")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_soc_crosswalk")),
        sa.UniqueConstraint(
            "release_id", "soc_2010", "soc_2018", name=op.f("uq_soc_crosswalk_release_id_soc_2010_soc_2018")
        ),
    )
    op.create_table(
        "occupation_title",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("occupation_id", sa.Integer(), nullable=False),
        sa.Column("onet_code", _text(10), nullable=False),
        sa.Column("title", _text(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["occupation_id"], ["occupation.id"], name=op.f("fk_occupation_title_occupation_id_occupation")
        ),
        sa.ForeignKeyConstraint(
            ["release_id"], ["release.id"], name=op.f("fk_occupation_title_release_id_release")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occupation_title")),
        sa.UniqueConstraint(
            "release_id", "onet_code", "title", name=op.f("uq_occupation_title_release_id_onet_code_title")
        ),
    )


def downgrade() -> None:
    op.drop_table("occupation_title")
    op.drop_table("soc_crosswalk")
    op.drop_table("zip_cbsa")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops a column in place (3.35+); a batch copy of source would break release's foreign key.
        op.execute("ALTER TABLE source DROP COLUMN license")
    else:
        op.drop_column("source", "license")
