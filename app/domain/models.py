"""Table models. Facts live in rows; every figure points at a release and carries its citation."""

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, Session, SQLModel

from app.db import metadata  # noqa: F401  (installs the naming convention before tables are declared)

STATISTICS = ("p10", "p25", "median", "p75", "p90", "mean")
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
    """A source's ranking of an area that gives no figures: among the top-paying or the lower-paying."""

    top_paying = "top_paying"
    lower_paying = "lower_paying"


class Source(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=64)
    publisher: str | None = Field(default=None, max_length=200)
    title: str = Field(max_length=300)
    kind: str = Field(max_length=32)
    period: str | None = Field(default=None, max_length=64)
    url: str | None = Field(default=None, max_length=500)
    # The terms the source's data are used under, where they ask for attribution (e.g. CC BY 4.0).
    license: str | None = Field(default=None, max_length=500)


class Release(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
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


class Occupation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    soc_code: str = Field(unique=True, max_length=16)
    title: str = Field(max_length=300)
    aliases: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))


class Area(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("area_type", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    area_type: str = Field(max_length=16)
    code: str = Field(max_length=16)
    name: str = Field(max_length=200)
    fips: str | None = Field(default=None, max_length=8)
    usps: str | None = Field(default=None, max_length=2)
    # JSON list of USPS codes of the states a metro lies in.
    principal_states: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))


class WageStat(SQLModel, table=True):
    __tablename__ = "wage_stat"
    __table_args__ = (
        UniqueConstraint("release_id", "occupation_id", "area_id", "statistic"),
        Index("ix_wage_stat_occupation_release", "occupation_id", "release_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    release_id: int = Field(foreign_key="release.id", index=True)
    occupation_id: int = Field(foreign_key="occupation.id")
    area_id: int = Field(foreign_key="area.id")
    statistic: str = Field(max_length=16)
    hourly: float | None = None
    annual: float | None = None
    hourly_derived: bool = False
    annual_derived: bool = False
    # The value is BLS's top code (wage at or above it), not an exact figure.
    hourly_capped: bool = False
    annual_capped: bool = False
    citation: str = Field(sa_column=Column(Text, nullable=False))


class AreaEmployment(SQLModel, table=True):
    __tablename__ = "area_employment"
    __table_args__ = (
        UniqueConstraint("release_id", "occupation_id", "area_id"),
        Index("ix_area_employment_occupation_release", "occupation_id", "release_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
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


class AreaRanking(SQLModel, table=True):
    __tablename__ = "area_ranking"
    __table_args__ = (UniqueConstraint("release_id", "occupation_id", "area_id"),)
    id: int | None = Field(default=None, primary_key=True)
    release_id: int = Field(foreign_key="release.id")
    occupation_id: int = Field(foreign_key="occupation.id")
    area_id: int = Field(foreign_key="area.id")
    tier: str = Field(max_length=32)  # top_paying | lower_paying
    rank: int | None = None
    citation: str = Field(sa_column=Column(Text, nullable=False))


class ExperienceLevel(SQLModel, table=True):
    __tablename__ = "experience_level"
    id: int | None = Field(default=None, primary_key=True)
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


class PayFactor(SQLModel, table=True):
    __tablename__ = "pay_factor"
    id: int | None = Field(default=None, primary_key=True)
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


class Certification(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    name: str = Field(max_length=200)
    issuer: str | None = Field(default=None, max_length=200)
    covers: str = Field(sa_column=Column(Text, nullable=False))
    citation: str = Field(sa_column=Column(Text, nullable=False))


class Benchmark(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("release_id", "statistic"),)
    id: int | None = Field(default=None, primary_key=True)
    release_id: int = Field(foreign_key="release.id")
    occupation_id: int = Field(foreign_key="occupation.id")
    job_title: str = Field(max_length=200)
    statistic: str = Field(max_length=48)
    unit: str = Field(max_length=8)  # hourly | annual
    value: float | None = None
    range_low: float | None = None
    range_high: float | None = None
    citation: str = Field(sa_column=Column(Text, nullable=False))


class ZipCbsa(SQLModel, table=True):
    """One row of the HUD-USPS ZIP-CBSA crosswalk: the share of a ZIP's addresses lying in one CBSA
    (99999: in none), as published."""

    __tablename__ = "zip_cbsa"
    __table_args__ = (UniqueConstraint("release_id", "zip", "cbsa"),)
    id: int | None = Field(default=None, primary_key=True)
    release_id: int = Field(foreign_key="release.id")
    zip: str = Field(max_length=5)
    cbsa: str = Field(max_length=5)
    # USPS's preferred city name and state of the ZIP
    city: str = Field(max_length=64)
    state: str = Field(max_length=2)
    res_ratio: float
    bus_ratio: float
    oth_ratio: float
    tot_ratio: float


class SocCrosswalk(SQLModel, table=True):
    """BLS's SOC 2010 to SOC 2018 crosswalk: one row per (2010 code, 2018 code) pair."""

    __tablename__ = "soc_crosswalk"
    __table_args__ = (UniqueConstraint("release_id", "soc_2010", "soc_2018"),)
    id: int | None = Field(default=None, primary_key=True)
    release_id: int = Field(foreign_key="release.id")
    soc_2010: str = Field(max_length=7)
    soc_2010_title: str = Field(max_length=300)
    soc_2018: str = Field(max_length=7)
    soc_2018_title: str = Field(max_length=300)


class OccupationTitle(SQLModel, table=True):
    """A job title reported for an occupation (O*NET's sample of reported titles)."""

    __tablename__ = "occupation_title"
    __table_args__ = (UniqueConstraint("release_id", "onet_code", "title"),)
    id: int | None = Field(default=None, primary_key=True)
    release_id: int = Field(foreign_key="release.id")
    occupation_id: int = Field(foreign_key="occupation.id")
    onet_code: str = Field(max_length=10)
    title: str = Field(max_length=200)


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
