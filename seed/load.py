"""Idempotent loader for the seed data: a second run finds nothing to change and leaves the data version."""

import csv
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from app.db import lock_writers
from app.domain.models import (
    HOURS_PER_YEAR,
    Area,
    AreaRanking,
    Benchmark,
    Certification,
    DataVersion,
    ExperienceLevel,
    Occupation,
    PayFactor,
    Release,
    Source,
    WageStat,
    bump_data_version,
)
from app.oews import import_oews
from seed.reference import load_reference

SEED_DIR = Path(__file__).parent
# The official BLS figures shipped with the seed (see seed/oews/manifest.json and seed/extract.py).
OFFICIAL_FILE = SEED_DIR / "oews" / "all_data_M_2025_extract.csv"
OFFICIAL_RELEASE_KEY = "bls-oews-2025-05"
OFFICIAL_RELEASE_LABEL = "BLS OEWS, May 2025 (official files; the seed's occupations, every area)"
DEFAULT_OCCUPATION = "29-2072"


@dataclass
class SeedReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changed_tables: set[str] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def load_seed_file(path: Path = SEED_DIR / "article.toml") -> dict[str, Any]:
    """Parse the seed TOML file."""
    with path.open("rb") as fh:
        return tomllib.load(fh)


def load_reference_areas(path: Path = SEED_DIR / "areas.csv") -> list[dict[str, str]]:
    """Read the states, DC and territories reference table."""
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def derive_hourly(annual: float) -> float:
    """Hourly from annual the way BLS relates them (annual / 2080), rounded to the cent."""
    return round(annual / HOURS_PER_YEAR, 2)


class _Upserter:
    def __init__(self, session: Session, report: SeedReport) -> None:
        self.session = session
        self.report = report

    def __call__(self, model: type[SQLModel], lookup: dict[str, Any], values: dict[str, Any]) -> Any:
        row = self.session.exec(select(model).filter_by(**lookup)).first()
        if row is None:
            row = model(**lookup, **values)
            self.session.add(row)
            self.session.flush()
            self.report.created += 1
            self.report.changed_tables.add(model.__name__)
            return row
        dirty = False
        for key, value in values.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
                dirty = True
        if dirty:
            self.session.flush()
            self.report.updated += 1
            self.report.changed_tables.add(model.__name__)
        else:
            self.report.unchanged += 1
        return row


def seed_database(engine: Engine, data: dict[str, Any] | None = None) -> SeedReport:
    """Load reference areas and the article's figures in one transaction."""
    data = data if data is not None else load_seed_file()
    report = SeedReport()
    with Session(engine) as session:
        lock_writers(session.connection())
        upsert = _Upserter(session, report)
        sources = {
            s["key"]: upsert(
                Source,
                {"key": s["key"]},
                {
                    "publisher": s.get("publisher"),
                    "title": s["title"],
                    "kind": s["kind"],
                    "period": s.get("period"),
                    "url": s.get("url"),
                },
            )
            for s in data["source"]
        }
        releases = {
            r["key"]: upsert(
                Release,
                {"key": r["key"]},
                {
                    "source_id": sources[r["source"]].id,
                    "via_source_id": sources[r["via"]].id if r.get("via") else None,
                    "label": r["label"],
                    "period": r.get("period"),
                    "period_start": r.get("period_start"),
                    "origin": "seed",
                },
            )
            for r in data["release"]
        }
        occupations = {
            o["soc_code"]: upsert(
                Occupation,
                {"soc_code": o["soc_code"]},
                {"title": o["title"], "aliases": json.dumps(o["aliases"])},
            )
            for o in data["occupation"]
        }
        areas: dict[str, Area] = {
            "national": upsert(
                Area,
                {"area_type": "national", "code": "US"},
                {"name": "United States", "fips": None, "usps": None},
            )
        }
        for a in load_reference_areas():
            areas[f"state:{a['usps']}"] = upsert(
                Area,
                {"area_type": a["area_type"], "code": a["usps"]},
                {"name": a["name"], "fips": a["fips"], "usps": a["usps"]},
            )
        for m in data["metro"]:
            areas[f"metro:{m['code']}"] = upsert(
                Area,
                {"area_type": "metro", "code": m["code"]},
                {"name": m["name"], "principal_states": json.dumps(m["principal_states"])},
            )
        occupation = occupations[DEFAULT_OCCUPATION]
        for w in data["wage"]:
            annual = w.get("annual")
            hourly = w.get("hourly")
            hourly_derived = hourly is None and annual is not None
            if hourly_derived:
                hourly = derive_hourly(annual)
            area = areas[w["area"]]
            release = releases[w["release"]]
            upsert(
                WageStat,
                {
                    "release_id": release.id,
                    "occupation_id": occupation.id,
                    "area_id": area.id,
                    "statistic": w["statistic"],
                },
                {
                    "hourly": hourly,
                    "annual": annual,
                    "hourly_derived": hourly_derived,
                    "annual_derived": False,
                    "citation": w["citation"],
                },
            )
            if "rank" in w:
                upsert(
                    AreaRanking,
                    {"release_id": release.id, "occupation_id": occupation.id, "area_id": area.id},
                    {"tier": "top_paying", "rank": w["rank"], "citation": w["citation"]},
                )
        for t in data["tier"]:
            for usps in t["states"]:
                upsert(
                    AreaRanking,
                    {
                        "release_id": releases[t["release"]].id,
                        "occupation_id": occupation.id,
                        "area_id": areas[f"state:{usps}"].id,
                    },
                    {"tier": t["tier"], "rank": None, "citation": t["citation"]},
                )
        for e in data["experience"]:
            upsert(
                ExperienceLevel,
                {"key": e["key"]},
                {
                    "release_id": releases[e["release"]].id,
                    "name": e["name"],
                    "years_min": e["years_min"],
                    "years_max": e.get("years_max"),
                    "hourly_low": e["hourly_low"],
                    "hourly_high": e["hourly_high"],
                    "hourly_high_open": e.get("hourly_high_open", False),
                    "annual_low": e["annual_low"],
                    "annual_high": e["annual_high"],
                    "annual_high_open": e.get("annual_high_open", False),
                    "characteristics": e["characteristics"],
                    "citation": e["citation"],
                },
            )
        for b in data["benchmark"]:
            upsert(
                Benchmark,
                {"release_id": releases[b["release"]].id, "statistic": b["statistic"]},
                {
                    "occupation_id": occupation.id,
                    "job_title": b["job_title"],
                    "unit": b["unit"],
                    "value": b.get("value"),
                    "range_low": b.get("range_low"),
                    "range_high": b.get("range_high"),
                    "citation": b["citation"],
                },
            )
        for f in data["factor"]:
            upsert(
                PayFactor,
                {"key": f["key"]},
                {
                    "release_id": releases[f["release"]].id,
                    "factor": f["factor"],
                    "value": f["value"],
                    "compared_to": f.get("compared_to"),
                    "kind": f["kind"],
                    "pct_low": f.get("pct_low"),
                    "pct_high": f.get("pct_high"),
                    "amount_low": f.get("amount_low"),
                    "amount_high": f.get("amount_high"),
                    "amount_unit": f.get("amount_unit"),
                    "amount_open": f.get("amount_open", False),
                    "description": f["description"],
                    "citation": f["citation"],
                },
            )
        for c in data["certification"]:
            upsert(
                Certification,
                {"code": c["code"]},
                {
                    "name": c["name"],
                    "issuer": c.get("issuer"),
                    "covers": c["covers"],
                    "citation": c["citation"],
                },
            )
        if load_reference(session, upsert):
            report.changed_tables.add("Reference")
            report.created += 1
        official = import_oews(
            engine,
            path=OFFICIAL_FILE,
            release_key=OFFICIAL_RELEASE_KEY,
            release_label=OFFICIAL_RELEASE_LABEL,
            origin="seed",
            session=session,
        )
        if official.status != "unchanged":
            # The importer moved the data version already; one change, one new version.
            report.created += official.rows_loaded
            report.changed_tables.update({"WageStat", "AreaEmployment"})
        elif report.changed or session.get(DataVersion, 1) is None:
            bump_data_version(session)
        session.commit()
    return report
