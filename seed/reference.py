"""The reference data that reads people's words: the HUD-USPS ZIP-CBSA crosswalk (places), BLS's SOC 2010 to
2018 crosswalk and O*NET's reported job titles (occupations). Each file is one release of its source, with the
publisher, license and checksum its manifest gives (seed/geo/manifest.json, seed/occupations/manifest.json).

Loading is idempotent: a release whose file checksum is unchanged is left as it is; a changed file replaces
its release's rows in the seed's transaction."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert
from sqlmodel import Session, SQLModel, select

from app.domain.models import Occupation, OccupationTitle, Release, SocCrosswalk, Source, ZipCbsa

SEED_DIR = Path(__file__).parent
BATCH = 5000


@dataclass(frozen=True)
class ReferenceFile:
    """One reference file and the source and release it is loaded as."""

    path: Path
    source_key: str
    source_title: str
    release_key: str
    release_label: str
    model: type[SQLModel]
    # One table row from one CSV row (None: not loaded), given the occupation ids by SOC code.
    row: Callable[[dict[str, str], dict[str, int]], dict[str, Any] | None]

    @property
    def manifest(self) -> dict[str, Any]:
        data = json.loads((self.path.parent / "manifest.json").read_text(encoding="utf-8"))
        return dict(data["files"][self.path.name])


def _zip_row(r: dict[str, str], _occupations: dict[str, int]) -> dict[str, Any]:
    return {
        "zip": r["zip"],
        "cbsa": r["cbsa"],
        "city": r["city"],
        "state": r["state"],
        **{k: float(r[k]) for k in ("res_ratio", "bus_ratio", "oth_ratio", "tot_ratio")},
    }


def _soc_row(r: dict[str, str], _occupations: dict[str, int]) -> dict[str, Any]:
    return {k: r[k] for k in ("soc_2010", "soc_2010_title", "soc_2018", "soc_2018_title")}


def _title_row(r: dict[str, str], occupations: dict[str, int]) -> dict[str, Any] | None:
    occupation_id = occupations.get(r["soc_code"])
    if occupation_id is None:
        return None
    return {"occupation_id": occupation_id, "onet_code": r["onet_soc_code"], "title": r["title"]}


REFERENCE_FILES = (
    ReferenceFile(
        SEED_DIR / "geo" / "zip_cbsa.csv",
        "hud-usps",
        "HUD-USPS ZIP Code Crosswalk Files",
        "hud-usps-zip-cbsa-2025",
        "HUD-USPS ZIP-CBSA crosswalk, 2025",
        ZipCbsa,
        _zip_row,
    ),
    ReferenceFile(
        SEED_DIR / "occupations" / "soc_2010_to_2018.csv",
        "bls-soc",
        "Standard Occupational Classification: 2010 SOC to 2018 SOC crosswalk",
        "bls-soc-2010-to-2018",
        "BLS SOC 2010 to 2018 crosswalk",
        SocCrosswalk,
        _soc_row,
    ),
    ReferenceFile(
        SEED_DIR / "occupations" / "onet_titles.csv",
        "onet",
        "O*NET Database: Sample of Reported Titles",
        "onet-reported-titles",
        "O*NET sample of reported titles",
        OccupationTitle,
        _title_row,
    ),
)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _license(manifest: dict[str, Any]) -> str:
    """The terms as the source asks them stated: its attribution sentence, else the license's name."""
    if manifest.get("attribution"):
        return str(manifest["attribution"])
    return str(manifest["license"]).split("; ")[0].split(", http")[0]


def _table_rows(
    ref: ReferenceFile, release_id: int, occupations: dict[str, int], tally: list[int]
) -> Iterator[dict[str, Any]]:
    """The file's rows as table rows of the release; ``tally[0]`` counts the rows read."""
    with ref.path.open(newline="", encoding="utf-8") as fh:
        for csv_row in csv.DictReader(fh):
            tally[0] += 1
            row = ref.row(csv_row, occupations)
            if row is not None:
                yield {**row, "release_id": release_id}


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def load_reference(session: Session, upsert: Callable[..., Any]) -> int:
    """Load every reference file whose checksum changed; returns the number of rows written."""
    occupations = {o.soc_code: int(o.id or 0) for o in session.exec(select(Occupation))}
    written = 0
    for ref in REFERENCE_FILES:
        manifest = ref.manifest
        checksum = _sha256(ref.path)
        if checksum != manifest["sha256"]:
            raise ValueError(
                f"{ref.path.name}: SHA-256 {checksum} differs from its manifest ({manifest['sha256']}); the "
                "seed file is damaged or was edited without its manifest."
            )
        source = upsert(
            Source,
            {"key": ref.source_key},
            {
                "publisher": manifest["publisher"],
                "title": ref.source_title,
                "kind": "reference",
                "period": manifest.get("version") or manifest.get("period"),
                "url": manifest["official_url"],
                "license": _license(manifest),
            },
        )
        table = ref.model.__table__  # type: ignore[attr-defined]
        release_row = session.exec(select(Release).where(Release.key == ref.release_key)).first()
        held = 0
        if release_row is not None:
            held = session.execute(
                select(func.count()).select_from(table).where(table.c.release_id == release_row.id)
            ).scalar_one()
        if release_row is not None and release_row.checksum == checksum and held == release_row.rows_loaded:
            upsert(Release, {"key": ref.release_key}, {})
            continue
        release = upsert(
            Release,
            {"key": ref.release_key},
            {
                "source_id": source.id,
                "via_source_id": None,
                "label": ref.release_label,
                "period": manifest.get("version") or manifest.get("period"),
                "origin": "seed",
                "file_name": ref.path.name,
                "checksum": checksum,
            },
        )
        session.execute(delete(table).where(table.c.release_id == release.id))
        tally, loaded = [0], 0
        for batch in _batches(_table_rows(ref, release.id, occupations, tally)):
            session.execute(insert(table), batch)
            loaded += len(batch)
        release.row_count = tally[0]
        release.rows_loaded = loaded
        session.add(release)
        session.flush()
        written += loaded
    return written
