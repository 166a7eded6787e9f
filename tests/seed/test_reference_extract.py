"""The committed reference files match their manifests and hold together; the builders refuse bad carriers."""

import csv
import hashlib
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from seed.extract import SEED_OCCUPATIONS
from seed.reference_extract import (
    CarrierError,
    build_onet_titles,
    build_soc_crosswalk,
    build_zip_cbsa,
    fetch_carrier,
)

SEED = Path(__file__).resolve().parents[2] / "seed"
MANIFESTS = {
    "geo": json.loads((SEED / "geo" / "manifest.json").read_text()),
    "occupations": json.loads((SEED / "occupations" / "manifest.json").read_text()),
}
FILES = [(folder, name) for folder, manifest in MANIFESTS.items() for name in manifest["files"]]


def _rows(folder: str, name: str) -> list[dict[str, str]]:
    with (SEED / folder / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize(("folder", "name"), FILES)
def test_reference_file_matches_its_manifest(folder: str, name: str) -> None:
    entry = MANIFESTS[folder]["files"][name]
    data = (SEED / folder / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert len(data) == entry["bytes"]
    rows = _rows(folder, name)
    assert len(rows) == entry["rows"]
    assert list(rows[0]) == entry["columns"]
    carrier = entry["carrier"]
    assert len(carrier["sha256"]) == 64 and entry["license"] and entry["retrieved"] == "2026-12-03"
    if carrier["kind"] == "pypi":
        assert len(carrier["wheel_sha256"]) == 64 and carrier["version"]
    else:
        assert carrier["kind"] == "github" and len(carrier["commit"]) == 40


def test_zip_cbsa_keeps_every_row_the_carrier_counted() -> None:
    entry = MANIFESTS["geo"]["files"]["zip_cbsa.csv"]
    assert entry["rows"] == entry["carrier"]["rows"] == entry["carrier"]["metadata"]["rows"]


def test_zip_cbsa_rows_are_well_formed_sorted_and_unique() -> None:
    rows = _rows("geo", "zip_cbsa.csv")
    keys = [(r["zip"], r["cbsa"]) for r in rows]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    for r in rows:
        assert len(r["zip"]) == 5 and r["zip"].isdigit()
        assert len(r["cbsa"]) == 5 and r["cbsa"].isdigit()
        assert len(r["state"]) == 2 and r["state"].isalpha() and r["state"].isupper()
        assert r["city"] == r["city"].strip() and r["city"]
        for column in ("res_ratio", "bus_ratio", "oth_ratio", "tot_ratio"):
            assert Decimal(0) <= Decimal(r[column]) <= Decimal(1)


def test_each_zip_shares_out_all_of_its_addresses() -> None:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for r in _rows("geo", "zip_cbsa.csv"):
        totals[r["zip"]] += Decimal(r["tot_ratio"])
    assert len(totals) == MANIFESTS["geo"]["files"]["zip_cbsa.csv"]["zips"]
    assert all(abs(total - 1) <= Decimal("0.001") for total in totals.values())


def test_every_oews_metro_of_the_seed_is_a_cbsa_of_the_crosswalk_or_a_listed_exception() -> None:
    with (SEED / "oews" / "all_data_M_2025_extract.csv").open(newline="") as fh:
        metros = {r["AREA"] for r in csv.DictReader(fh) if r["AREA_TYPE"] == "4"}
    cbsas = {r["cbsa"] for r in _rows("geo", "zip_cbsa.csv")}
    exceptions = set(MANIFESTS["geo"]["files"]["zip_cbsa.csv"]["oews_metro_exceptions"])
    assert metros - cbsas == exceptions
    assert exceptions <= metros


def test_the_issues_examples_read_as_the_issue_says() -> None:
    rows = _rows("geo", "zip_cbsa.csv")
    # Issue 18: "ZIP 77001: all of its addresses lie in CBSA 26420, Houston-Pasadena-The Woodlands, TX".
    houston = [r for r in rows if r["zip"] == "77001"]
    assert [(r["cbsa"], Decimal(r["tot_ratio"]), r["state"]) for r in houston] == [
        ("26420", Decimal(1), "TX")
    ]
    # Issue 18: metro 35620 (New York-Newark-Jersey City) lies partly in NJ.
    assert {r["state"] for r in rows if r["cbsa"] == "35620"} >= {"NY", "NJ"}


def test_soc_29_2071_split_into_29_2072_and_29_9021() -> None:
    rows = _rows("occupations", "soc_2010_to_2018.csv")
    assert {r["soc_2018"] for r in rows if r["soc_2010"] == "29-2071"} == {"29-2072", "29-9021"}
    pairs = [(r["soc_2010"], r["soc_2018"]) for r in rows]
    assert len(set(pairs)) == len(pairs)
    assert set(SEED_OCCUPATIONS) <= {r["soc_2018"] for r in rows}


def test_onet_titles_cover_the_seed_occupations_with_the_issues_list_for_29_2072() -> None:
    rows = _rows("occupations", "onet_titles.csv")
    assert all(r["soc_code"] == r["onet_soc_code"][:7] for r in rows)
    assert {r["soc_code"] for r in rows} == set(SEED_OCCUPATIONS)
    titles = {r["title"] for r in rows if r["onet_soc_code"] == "29-2072.00"}
    # Issue 18's list; O*NET prints some titles with a short form in parentheses.
    issue_list = {
        "Coder",
        "Health Information Clerk",
        "Health Information Specialist",
        "Health Information Technician",
        "Medical Records Clerk",
        "Medical Records Coordinator",
        "Medical Records Technician",
        "Registered Health Information Technician (RHIT)",
    }
    assert issue_list == {t if t in issue_list else t.split(" (")[0] for t in titles}


ZIP_CBSA_CARRIER = (
    "zip,geoid,res_ratio,bus_ratio,oth_ratio,tot_ratio,city,state\n"
    "99950,99999,1.0,0.0,0.0,1.0,KETCHIKAN,AK\n"
    "00601,99999,0.9,0.8,0.7,0.95,ADJUNTAS,PR\n"
    "00601,29720,0.1,0.2,0.3,0.05,ADJUNTAS,PR\n"
)


def test_zip_cbsa_builder_reorders_columns_and_sorts_without_touching_values() -> None:
    assert build_zip_cbsa(ZIP_CBSA_CARRIER.encode()) == (
        b"zip,cbsa,city,state,res_ratio,bus_ratio,oth_ratio,tot_ratio\n"
        b"00601,29720,ADJUNTAS,PR,0.1,0.2,0.3,0.05\n"
        b"00601,99999,ADJUNTAS,PR,0.9,0.8,0.7,0.95\n"
        b"99950,99999,KETCHIKAN,AK,1.0,0.0,0.0,1.0\n"
    )


@pytest.mark.parametrize(
    "carrier",
    [
        ZIP_CBSA_CARRIER.replace("geoid", "cbsa"),  # unexpected header
        ZIP_CBSA_CARRIER.replace("99950,", "9950,"),  # ZIP without its leading zero
        ZIP_CBSA_CARRIER.replace("0.05,", "n/a,"),  # a ratio that is not a number
        ZIP_CBSA_CARRIER + "00601,29720,0.1,0.2,0.3,0.05,ADJUNTAS,PR\n",  # a pair twice
        ZIP_CBSA_CARRIER + "00602,10380\n",  # a short line
    ],
)
def test_zip_cbsa_builder_refuses_a_malformed_carrier(carrier: str) -> None:
    with pytest.raises(CarrierError):
        build_zip_cbsa(carrier.encode())


def test_soc_builder_refuses_a_repeated_pair() -> None:
    carrier = (
        "soc2010_code,soc2010_title,soc2018_code,soc2018_title\n"
        "29-2071,Medical Records and Health Information Technicians,29-2072,Medical Records Specialists\n"
    )
    assert build_soc_crosswalk(carrier.encode()).startswith(
        b"soc_2010,soc_2010_title,soc_2018,soc_2018_title\n"
    )
    with pytest.raises(CarrierError):
        build_soc_crosswalk((carrier + carrier.splitlines(keepends=True)[1]).encode())


def test_onet_builder_keeps_detail_codes_and_refuses_a_missing_occupation() -> None:
    carrier = (
        b"O*NET-SOC Code\tTitle\tReported Job Title\tShown in My Next Move\n"
        b"43-3021.01\tStatement Clerks\tStatement Clerk\tY\n"
        b"43-3031.00\tBookkeeping Clerks\tBookkeeper\tY\n"
        b"29-2072.00\tMedical Records Specialists\tCoder\tN\n"
    )
    assert build_onet_titles(carrier, ("43-3021", "29-2072")) == (
        b"onet_soc_code,soc_code,title\n43-3021.01,43-3021,Statement Clerk\n29-2072.00,29-2072,Coder\n"
    )
    with pytest.raises(CarrierError):
        build_onet_titles(carrier, ("43-3021", "11-9111"))


def test_a_carrier_whose_bytes_differ_from_its_checksum_is_refused(tmp_path: Path) -> None:
    (tmp_path / "titles.txt").write_bytes(b"published bytes\n")
    carrier = {
        "kind": "github",
        "repo": "example/example",
        "commit": "0" * 40,
        "path": "data/titles.txt",
        "sha256": hashlib.sha256(b"published bytes\n").hexdigest(),
    }
    assert fetch_carrier(carrier, tmp_path, tmp_path) == b"published bytes\n"
    (tmp_path / "titles.txt").write_bytes(b"altered bytes\n")
    with pytest.raises(CarrierError):
        fetch_carrier(carrier, tmp_path, tmp_path)
