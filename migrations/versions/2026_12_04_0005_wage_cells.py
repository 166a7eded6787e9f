"""One row per published wage cell (release, occupation, area) instead of one per statistic: ``wage_cell``
replaces ``wage_stat``. The figures move over as they are: each statistic's hourly and annual become a
column pair, its published / derived / capped flags bits of ``flags`` (five per statistic, in STATISTICS
order: published, hourly_derived, annual_derived, hourly_capped, annual_capped), and its citation the
cell's ``citation`` (that of the first published statistic) or, where it differs, ``<statistic>_citation``.
The downgrade writes the same rows back into ``wage_stat``.

This file keeps its own copy of the layout (not app.domain.models), so it reads the same whatever the models
become.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 02:40:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATISTICS = ("p10", "p25", "median", "p75", "p90", "mean")
FLAGS = ("hourly_derived", "annual_derived", "hourly_capped", "annual_capped")
BITS = 1 + len(FLAGS)
KEY = ("occupation_id", "release_id", "area_id")
VALUES = tuple(f"{s}_{unit}" for s in STATISTICS for unit in ("hourly", "annual"))
CITATIONS = tuple(f"{s}_citation" for s in STATISTICS)

wage_stat = sa.table(
    "wage_stat",
    *(sa.column(c) for c in ("release_id", "occupation_id", "area_id", "statistic", "hourly", "annual")),
    *(sa.column(f, sa.Boolean) for f in FLAGS),
    sa.column("citation"),
)
wage_cell = sa.table(
    "wage_cell",
    *(sa.column(c) for c in (*KEY, *VALUES, *CITATIONS, "citation")),
    sa.column("flags", sa.Integer),
)


def _create_wage_cell() -> None:
    op.create_table(
        "wage_cell",
        sa.Column("occupation_id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        *(sa.Column(c, sa.Float(), nullable=True) for c in VALUES),
        sa.Column("flags", sa.Integer(), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
        *(sa.Column(c, sa.Text(), nullable=True) for c in CITATIONS),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_wage_cell_area_id_area")),
        sa.ForeignKeyConstraint(
            ["occupation_id"], ["occupation.id"], name=op.f("fk_wage_cell_occupation_id_occupation")
        ),
        sa.ForeignKeyConstraint(["release_id"], ["release.id"], name=op.f("fk_wage_cell_release_id_release")),
        sa.PrimaryKeyConstraint(*KEY, name=op.f("pk_wage_cell")),
    )


def _create_wage_stat() -> None:
    """As migrations 0001 and 0002 made it."""
    _text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "wage_stat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("occupation_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("statistic", _text(length=16), nullable=False),
        sa.Column("hourly", sa.Float(), nullable=True),
        sa.Column("annual", sa.Float(), nullable=True),
        *(sa.Column(f, sa.Boolean(), nullable=False) for f in FLAGS),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_wage_stat_area_id_area")),
        sa.ForeignKeyConstraint(
            ["occupation_id"], ["occupation.id"], name=op.f("fk_wage_stat_occupation_id_occupation")
        ),
        sa.ForeignKeyConstraint(["release_id"], ["release.id"], name=op.f("fk_wage_stat_release_id_release")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wage_stat")),
        sa.UniqueConstraint(
            "release_id",
            "occupation_id",
            "area_id",
            "statistic",
            name=op.f("uq_wage_stat_release_id_occupation_id_area_id_statistic"),
        ),
    )
    op.create_index(op.f("ix_wage_stat_release_id"), "wage_stat", ["release_id"])
    op.create_index("ix_wage_stat_occupation_release", "wage_stat", ["occupation_id", "release_id"])


def _cells_from_statistics() -> Any:
    """wage_stat grouped into cells."""
    w = wage_stat.c

    def of(statistic: str, value: Any) -> Any:
        return sa.func.max(sa.case((w.statistic == statistic, value)))

    cited = {s: of(s, w.citation) for s in STATISTICS}
    first_cited = sa.func.coalesce(*cited.values())
    bits: Any = sa.literal(1)
    for k, flag in enumerate(FLAGS):
        bits = bits + sa.case((w[flag], 2 << k), else_=0)
    shift = sa.case(*((w.statistic == s, 1 << (BITS * n)) for n, s in enumerate(STATISTICS)), else_=0)
    return sa.select(
        w.occupation_id,
        w.release_id,
        w.area_id,
        *(of(s, w[unit]) for s in STATISTICS for unit in ("hourly", "annual")),
        sa.func.sum(bits * shift),
        first_cited,
        *(sa.case((cited[s] != first_cited, cited[s])) for s in STATISTICS),
    ).group_by(w.occupation_id, w.release_id, w.area_id)


def _statistics_from_cells() -> Any:
    """wage_cell as one row per published statistic, in key order."""
    c = wage_cell.c
    statistic = sa.union_all(
        *(sa.select(sa.literal(n).label("n"), sa.literal(s).label("name")) for n, s in enumerate(STATISTICS))
    ).subquery("statistic")

    def pick(columns: Sequence[str]) -> Any:
        return sa.case(*((statistic.c.n == n, c[col]) for n, col in enumerate(columns)))

    bits = c.flags.op(">>")(statistic.c.n * BITS)
    return (
        sa.select(
            c.release_id,
            c.occupation_id,
            c.area_id,
            statistic.c.name,
            pick(VALUES[0::2]),
            pick(VALUES[1::2]),
            *(bits.op("&")(2 << k) != 0 for k in range(len(FLAGS))),
            sa.func.coalesce(pick(CITATIONS), c.citation),
        )
        .select_from(wage_cell.join(statistic, bits.op("&")(1) != 0))
        .order_by(*(c[k] for k in KEY), statistic.c.n)
    )


def upgrade() -> None:
    _create_wage_cell()
    op.execute(
        wage_cell.insert().from_select(
            [*KEY, *VALUES, "flags", "citation", *CITATIONS], _cells_from_statistics()
        )
    )
    op.drop_table("wage_stat")


def downgrade() -> None:
    _create_wage_stat()
    op.execute(
        wage_stat.insert().from_select(
            ["release_id", "occupation_id", "area_id", "statistic", "hourly", "annual", *FLAGS, "citation"],
            _statistics_from_cells(),
        )
    )
    op.drop_table("wage_cell")
