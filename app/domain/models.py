"""Table models. Facts live in rows; every figure points at a release and carries its citation."""

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Index,
    Select,
    String,
    Text,
    UniqueConstraint,
    case,
    func,
    literal,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, Session, SQLModel

from app.db import metadata  # noqa: F401  (installs the naming convention before tables are declared)

STATISTICS = ("p10", "p25", "median", "p75", "p90", "mean")
WAGE_UNITS = ("hourly", "annual")
# The columns of a wage cell's figures, hourly then annual of each statistic in STATISTICS order.
WAGE_COLUMNS = tuple(f"{statistic}_{unit}" for statistic in STATISTICS for unit in WAGE_UNITS)
CITATION_COLUMNS = tuple(f"{statistic}_citation" for statistic in STATISTICS)
# What may be said of one wage figure: computed by us (hourly = annual / 2080) or BLS's top code (the wage
# is at or above the value). Per statistic, WageCell.flags holds a "published" bit and then these, in order.
WAGE_FLAGS = ("hourly_derived", "annual_derived", "hourly_capped", "annual_capped")
STATISTIC_BITS = 1 + len(WAGE_FLAGS)
# A full-time year: BLS annualises hourly wages at 2,080 hours.
HOURS_PER_YEAR = 2080
# The largest wage accepted or served. BLS top-codes its percentiles at $115.00 an hour ($239,200 a year,
# May 2025) and its highest mean is under $500 an hour; anything far above is a broken file, not a wage.
MAX_HOURLY_WAGE = 1000.0
MAX_ANNUAL_WAGE = MAX_HOURLY_WAGE * HOURS_PER_YEAR
# The employment columns of area_employment, in the order the importer writes and the store reads them.
EMPLOYMENT_FIELDS = (
    "employment",
    "employment_rse",
    "jobs_per_1000",
    "location_quotient",
    "mean_wage_rse",
    "pct_total",
    "pct_reporting",
)


def wage_bit(statistic: str, flag: str | None = None) -> int:
    """The bit of ``WageCell.flags`` saying that ``statistic`` is published (``flag`` None), or that its
    figure carries ``flag`` (one of WAGE_FLAGS): bits 0-4 for p10, 5-9 for p25, and so on."""
    offset = 0 if flag is None else 1 + WAGE_FLAGS.index(flag)
    return 1 << (STATISTIC_BITS * STATISTICS.index(statistic) + offset)


class AreaType(StrEnum):
    """Kind of area: BLS's OEWS area types."""

    national = "national"
    state = "state"
    territory = "territory"
    metro = "metro"
    nonmetro = "nonmetro"


class WageUnit(StrEnum):
    """Unit of a wage: USD a year or USD an hour."""

    annual = "annual"
    hourly = "hourly"


class Tier(StrEnum):
    """Where an area's pay stands. Computed from the served official release's median against its national
    median (above_national, at_national within 1%, below_national; app/domain/standing.py), or the article's
    claim where its release is served (top_paying, lower_paying)."""

    above_national = "above_national"
    at_national = "at_national"
    below_national = "below_national"
    top_paying = "top_paying"
    lower_paying = "lower_paying"


# The tiers that are the article's claims, and those computed from an official release.
CLAIMED_TIERS = (Tier.top_paying, Tier.lower_paying)
COMPUTED_TIERS = tuple(tier for tier in Tier if tier not in CLAIMED_TIERS)


class TierBasis(StrEnum):
    """What places an area in its tier: computed here from the served release's figures, or a claim the
    article makes (served only where the article's release is)."""

    computed = "computed"
    article_claim = "article_claim"


class Table(SQLModel):
    """A table that begins with an integer surrogate key, named after its class in snake case (class
    AreaEmployment: table area_employment)."""

    id: int | None = Field(default=None, primary_key=True)

    @declared_attr  # type: ignore[arg-type]
    def __tablename__(cls) -> str:
        return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


class Source(Table, table=True):
    key: str = Field(unique=True, max_length=64)
    publisher: str | None = Field(default=None, max_length=200)
    title: str = Field(max_length=300)
    kind: str = Field(max_length=32)
    period: str | None = Field(default=None, max_length=64)
    url: str | None = Field(default=None, max_length=500)
    # The terms the source's data are used under, where they ask for attribution (e.g. CC BY 4.0).
    license: str | None = Field(default=None, max_length=500)


class Release(Table, table=True):
    key: str = Field(unique=True, max_length=80)
    source_id: int = Field(foreign_key="source.id")
    # The article that quoted these figures, when they were not read from the publisher's own files.
    via_source_id: int | None = Field(default=None, foreign_key="source.id")
    label: str = Field(max_length=200)
    period: str | None = Field(default=None, max_length=64)
    period_start: date | None = None
    origin: str = Field(max_length=16)  # seed | import
    file_name: str | None = Field(default=None, max_length=300)
    checksum: str | None = Field(default=None, max_length=64)
    row_count: int | None = None
    rows_loaded: int | None = None
    loaded_at: datetime | None = None


class Occupation(Table, table=True):
    soc_code: str = Field(unique=True, max_length=16)
    title: str = Field(max_length=300)
    aliases: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))


class Area(Table, table=True):
    __table_args__ = (UniqueConstraint("area_type", "code"),)
    area_type: str = Field(max_length=16)
    code: str = Field(max_length=16)
    name: str = Field(max_length=200)
    fips: str | None = Field(default=None, max_length=8)
    usps: str | None = Field(default=None, max_length=2)
    # JSON list of USPS codes of the states a metro lies in.
    principal_states: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))


class WageCell(SQLModel, table=True):
    """One published cell: an occupation's wages in one area, in one release, every statistic a pair of
    columns (``<statistic>_hourly``, ``<statistic>_annual``), its flags packed in ``flags`` (see
    ``wage_bit``) and its source in ``citation``. One row per cell instead of one per statistic: a full
    BLS release is about 230,000 rows, not 1.3 million (ARCHITECTURE.md, "The wage cell")."""

    __tablename__ = "wage_cell"
    # The key leads with the occupation: the API reads one occupation's cells at a time.
    occupation_id: int = Field(foreign_key="occupation.id", primary_key=True)
    release_id: int = Field(foreign_key="release.id", primary_key=True)
    area_id: int = Field(foreign_key="area.id", primary_key=True)
    p10_hourly: float | None = None
    p10_annual: float | None = None
    p25_hourly: float | None = None
    p25_annual: float | None = None
    median_hourly: float | None = None
    median_annual: float | None = None
    p75_hourly: float | None = None
    p75_annual: float | None = None
    p90_hourly: float | None = None
    p90_annual: float | None = None
    mean_hourly: float | None = None
    mean_annual: float | None = None
    flags: int = 0
    # The sentence or file row the cell's figures come from ...
    citation: str = Field(sa_column=Column(Text, nullable=False))
    # ... unless a statistic names its own (the article quotes each percentile in its own sentence).
    p10_citation: str | None = Field(default=None, sa_column=Column(Text))
    p25_citation: str | None = Field(default=None, sa_column=Column(Text))
    median_citation: str | None = Field(default=None, sa_column=Column(Text))
    p75_citation: str | None = Field(default=None, sa_column=Column(Text))
    p90_citation: str | None = Field(default=None, sa_column=Column(Text))
    mean_citation: str | None = Field(default=None, sa_column=Column(Text))


# A figure as the importers read it: its hourly and annual values, its citation, its flags.
FigureRead = Mapping[str, float | str | bool | None]
# A wage cell's columns by name: the values (float), the flags (int), the citations (str), or null.
CellColumns = dict[str, float | int | str | None]


def wage_cell_columns(figures: Mapping[str, FigureRead]) -> CellColumns:
    """The value, flags and citation columns of one wage cell from its figures, {statistic: {"hourly",
    "annual", "citation", and any of WAGE_FLAGS true}}: the cell's citation is that of its first published
    statistic; a statistic citing another sentence keeps it in ``<statistic>_citation``."""
    columns: CellColumns = dict.fromkeys((*WAGE_COLUMNS, *CITATION_COLUMNS))
    flags = 0
    citation = None
    for statistic in STATISTICS:
        figure = figures.get(statistic)
        if figure is None:
            continue
        for unit in WAGE_UNITS:
            columns[f"{statistic}_{unit}"] = figure.get(unit)
        flags |= wage_bit(statistic)
        for flag in WAGE_FLAGS:
            if figure.get(flag):
                flags |= wage_bit(statistic, flag)
        if citation is None:
            citation = figure["citation"]
        elif figure["citation"] != citation:
            columns[f"{statistic}_citation"] = figure["citation"]
    return {**columns, "flags": flags, "citation": citation}


def wage_statistics(cells: Any | None = None) -> Select[Any]:
    """The wage cells as one row per published statistic, with the columns of the former ``wage_stat``
    table (the export's documented layout): id, release_id, occupation_id, area_id, statistic, hourly,
    annual, the four WAGE_FLAGS and citation. Unordered, as a view's definition should be; the id follows
    the cells' key order, then STATISTICS order.

    ``cells`` is ``wage_cell`` or a selection of it with an ``ordinal`` column, the cell's position in key
    order from 1 (the table's rowid in the SQLite export, a row number elsewhere); the id is then
    6 x (ordinal - 1) + the statistic's position + 1. Without an ordinal the id is null."""
    cell = WageCell.__table__ if cells is None else cells  # type: ignore[attr-defined]
    statistic = union_all(
        *(select(literal(n).label("n"), literal(name).label("name")) for n, name in enumerate(STATISTICS))
    ).subquery("statistic")

    def pick(columns: Sequence[str]) -> Any:
        return case(*((statistic.c.n == n, cell.c[c]) for n, c in enumerate(columns)))

    bits = cell.c.flags.op(">>")(statistic.c.n * STATISTIC_BITS)
    ordinal = cell.c.get("ordinal")
    return select(
        (null() if ordinal is None else (ordinal - 1) * len(STATISTICS) + statistic.c.n + 1).label("id"),
        cell.c.release_id,
        cell.c.occupation_id,
        cell.c.area_id,
        type_coerce(statistic.c.name, String).label("statistic"),
        type_coerce(pick(WAGE_COLUMNS[0::2]), Float).label("hourly"),
        type_coerce(pick(WAGE_COLUMNS[1::2]), Float).label("annual"),
        *(type_coerce(bits.op("&")(2 << k) != 0, Boolean).label(flag) for k, flag in enumerate(WAGE_FLAGS)),
        type_coerce(func.coalesce(pick(CITATION_COLUMNS), cell.c.citation), Text).label("citation"),
    ).select_from(cell.join(statistic, bits.op("&")(1) != 0))


class ReleaseFact(Table):
    """A row one release brought: its id, then the release's."""

    release_id: int = Field(foreign_key="release.id")


class AreaEmployment(Table, table=True):
    __table_args__ = (
        UniqueConstraint("release_id", "occupation_id", "area_id"),
        Index("ix_area_employment_occupation_release", "occupation_id", "release_id"),
    )
    release_id: int = Field(foreign_key="release.id", index=True)
    occupation_id: int = Field(foreign_key="occupation.id")
    area_id: int = Field(foreign_key="area.id")
    employment: float | None = None
    employment_rse: float | None = None
    jobs_per_1000: float | None = None
    location_quotient: float | None = None
    mean_wage_rse: float | None = None
    pct_total: float | None = None
    pct_reporting: float | None = None
    annual_only: bool = False
    hourly_only: bool = False


class AreaRanking(ReleaseFact, table=True):
    __table_args__ = (UniqueConstraint("release_id", "occupation_id", "area_id"),)
    occupation_id: int = Field(foreign_key="occupation.id")
    area_id: int = Field(foreign_key="area.id")
    tier: str = Field(max_length=32)  # a source's claim: top_paying | lower_paying
    rank: int | None = None
    citation: str = Field(sa_column=Column(Text, nullable=False))


class ExperienceLevel(Table, table=True):
    key: str = Field(unique=True, max_length=16)
    release_id: int = Field(foreign_key="release.id")
    name: str = Field(max_length=64)
    years_min: int
    years_max: int | None = None
    hourly_low: float
    hourly_high: float
    hourly_high_open: bool = False
    annual_low: float
    annual_high: float
    annual_high_open: bool = False
    characteristics: str = Field(sa_column=Column(Text, nullable=False))
    citation: str = Field(sa_column=Column(Text, nullable=False))


class PayFactor(Table, table=True):
    key: str = Field(unique=True, max_length=64)
    release_id: int = Field(foreign_key="release.id")
    factor: str = Field(max_length=32)  # certification | education | specialty | setting | ...
    value: str = Field(max_length=64)
    compared_to: str | None = Field(default=None, max_length=64)
    kind: str = Field(max_length=16)  # percent | amount | qualitative | illustration
    pct_low: float | None = None
    pct_high: float | None = None
    amount_low: float | None = None
    amount_high: float | None = None
    amount_unit: str | None = Field(default=None, max_length=8)  # hourly | annual
    # "often exceeding $100,000": a lower bound with no stated top.
    amount_open: bool = False
    description: str = Field(sa_column=Column(Text, nullable=False))
    citation: str = Field(sa_column=Column(Text, nullable=False))


class Certification(Table, table=True):
    code: str = Field(unique=True, max_length=16)
    name: str = Field(max_length=200)
    issuer: str | None = Field(default=None, max_length=200)
    covers: str = Field(sa_column=Column(Text, nullable=False))
    citation: str = Field(sa_column=Column(Text, nullable=False))


class Benchmark(ReleaseFact, table=True):
    __table_args__ = (UniqueConstraint("release_id", "statistic"),)
    occupation_id: int = Field(foreign_key="occupation.id")
    job_title: str = Field(max_length=200)
    statistic: str = Field(max_length=48)
    unit: str = Field(max_length=8)  # hourly | annual
    value: float | None = None
    range_low: float | None = None
    range_high: float | None = None
    citation: str = Field(sa_column=Column(Text, nullable=False))


class ZipCbsa(ReleaseFact, table=True):
    """One row of the HUD-USPS ZIP-CBSA crosswalk: the share of a ZIP's addresses lying in one CBSA
    (99999: in none), as published."""

    __table_args__ = (UniqueConstraint("release_id", "zip", "cbsa"),)
    zip: str = Field(max_length=5)
    cbsa: str = Field(max_length=5)
    # USPS's preferred city name and state of the ZIP
    city: str = Field(max_length=64)
    state: str = Field(max_length=2)
    res_ratio: float
    bus_ratio: float
    oth_ratio: float
    tot_ratio: float


class SocCrosswalk(ReleaseFact, table=True):
    """BLS's SOC 2010 to SOC 2018 crosswalk: one row per (2010 code, 2018 code) pair."""

    __table_args__ = (UniqueConstraint("release_id", "soc_2010", "soc_2018"),)
    soc_2010: str = Field(max_length=7)
    soc_2010_title: str = Field(max_length=300)
    soc_2018: str = Field(max_length=7)
    soc_2018_title: str = Field(max_length=300)


class OccupationTitle(ReleaseFact, table=True):
    """A job title reported for an occupation (O*NET's sample of reported titles)."""

    __table_args__ = (UniqueConstraint("release_id", "onet_code", "title"),)
    occupation_id: int = Field(foreign_key="occupation.id")
    onet_code: str = Field(max_length=10)
    title: str = Field(max_length=200)


class ReleaseCheck(SQLModel, table=True):
    """The last `salary-api fetch-oews --check` (one row): whether BLS has published the OEWS period after
    the newest one held, learnt by asking for its files (HEAD), nothing downloaded."""

    __tablename__ = "release_check"
    id: int = Field(default=1, primary_key=True)
    checked_at: datetime
    source_url: str = Field(max_length=500)
    # The newest BLS OEWS period held when the check ran, and the period after it that was looked for.
    newest_held: str | None = Field(default=None, max_length=64)
    next_period: str = Field(max_length=64)
    next_period_start: date
    # Every file of the next period is there.
    published: bool
    # JSON: {file name: HTTP status of its HEAD}.
    files: str = Field(sa_column=Column(Text, nullable=False))


class DataVersion(SQLModel, table=True):
    __tablename__ = "data_version"
    id: int = Field(default=1, primary_key=True)
    version: int = 0
    updated_at: datetime | None = None


def bump_data_version(session: Session) -> int:
    """Increase the data version so every API process reloads its in-memory read model."""
    row = session.get(DataVersion, 1)
    if row is None:
        row = DataVersion(id=1, version=0)
        session.add(row)
    row.version += 1
    row.updated_at = datetime.now(UTC)
    session.flush()
    return row.version
