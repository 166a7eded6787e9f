"""Importing the OEWS fixture files: what lands in the database, release bookkeeping, idempotence."""

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select

from app.db import make_engine
from app.errors import ImportFailed
from tests.oews.conftest import (
    BOTH,
    FIXTURES,
    copy_fixture,
    drop_columns,
    dump,
    employment,
    figures,
    fixture_row,
    fixture_rows,
    money,
    run_import,
)

STATE_2023 = FIXTURES / "state_M2023_dl.csv"
STATE_2022 = FIXTURES / "state_M2022_dl.csv"
MSA_2023 = FIXTURES / "MSA_M2023_dl.csv"
NATIONAL_2023 = FIXTURES / "national_M2023_dl.csv"
ALL_2023 = FIXTURES / "all_data_M_2023.csv"
PAIRS = {
    "p10": ("H_PCT10", "A_PCT10"),
    "p25": ("H_PCT25", "A_PCT25"),
    "median": ("H_MEDIAN", "A_MEDIAN"),
    "p75": ("H_PCT75", "A_PCT75"),
    "p90": ("H_PCT90", "A_PCT90"),
    "mean": ("H_MEAN", "A_MEAN"),
}


def _table(url: str, name: str) -> list[dict]:
    engine = make_engine(url)
    try:
        meta = MetaData()
        meta.reflect(engine, only=[name])
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(meta.tables[name]))]
    finally:
        engine.dispose()


def _release(url: str, key: str) -> dict:
    return next(r for r in _table(url, "release") if r["key"] == key)


def _version(url: str) -> int:
    return _table(url, "data_version")[0]["version"]


def _default_rows(name: str) -> list[dict[str, str]]:
    """Rows the importer loads by default: cross-industry, all ownerships, detailed occupations."""
    return [
        r
        for r in fixture_rows(name)
        if r.get("NAICS", "000000") == "000000"
        and r.get("OWN_CODE", "1235") == "1235"
        and r.get("O_GROUP", "detailed") == "detailed"
    ]


@BOTH
def test_state_file_creates_a_release_with_its_checksum_and_counts(fresh_database: str) -> None:
    before = _version(fresh_database)
    report = run_import(fresh_database, STATE_2023)

    assert (report.release_key, report.status) == ("bls-oews-2023-05-state", "created")
    release = _release(fresh_database, "bls-oews-2023-05-state")
    assert release["label"] == "BLS OEWS, May 2023 (state file)"
    assert release["period"] == "May 2023"
    assert release["period_start"] == date(2023, 5, 1)
    assert release["origin"] == "import"
    assert release["file_name"] == "state_M2023_dl.csv"
    assert release["checksum"] == hashlib.sha256(STATE_2023.read_bytes()).hexdigest()
    assert release["row_count"] == len(fixture_rows("state_M2023_dl.csv")) == report.rows_read
    assert release["rows_loaded"] == len(_default_rows("state_M2023_dl.csv")) == report.rows_loaded
    assert release["loaded_at"] is not None
    sources = {s["id"]: s["key"] for s in _table(fresh_database, "source")}
    assert sources[release["source_id"]] == "bls"
    assert _version(fresh_database) == before + 1


@BOTH
def test_state_figures_match_the_file_row_by_row(fresh_database: str) -> None:
    run_import(fresh_database, STATE_2023)
    stored = figures(fresh_database)
    usps = {"01": "AL", "06": "CA", "11": "DC", "34": "NJ", "48": "TX", "72": "PR"}
    for fips, code in usps.items():
        number, row = fixture_row("state_M2023_dl.csv", area=fips, occ="29-2072")
        area_type = "territory" if row["AREA_TYPE"] == "3" else "state"
        for statistic, (h, a) in PAIRS.items():
            fig = stored[("bls-oews-2023-05-state", "29-2072", area_type, code, statistic)]
            assert (fig["hourly"], fig["annual"]) == (money(row[h]), money(row[a]))
            assert not (
                fig["hourly_capped"] or fig["annual_capped"] or fig["hourly_derived"] or fig["annual_derived"]
            )
            assert fig["citation"] == (
                f"BLS OEWS file state_M2023_dl.csv, row {number}: "
                f"{row['AREA_TITLE']}, Medical Records Specialists"
            )


@BOTH
def test_special_symbols(fresh_database: str) -> None:
    run_import(fresh_database, STATE_2023)
    stored = figures(fresh_database)
    jobs = employment(fresh_database)
    key = "bls-oews-2023-05-state"

    # '*': wage not available. Wyoming publishes p10 and p25 only; nothing else is stored.
    _, wy = fixture_row("state_M2023_dl.csv", area="56", occ="29-2072")
    assert (wy["H_MEDIAN"], wy["A_MEDIAN"], wy["H_MEAN"], wy["H_PCT10"]) == ("*", "*", "*", "16.85")
    assert stored[(key, "29-2072", "state", "WY", "p10")]["hourly"] == 16.85
    assert stored[(key, "29-2072", "state", "WY", "p25")]["annual"] == 39600.0
    for statistic in ("median", "p75", "p90", "mean"):
        assert (key, "29-2072", "state", "WY", statistic) not in stored

    # '**': employment not available.
    _, tx = fixture_row("state_M2023_dl.csv", area="48", occ="29-2072")
    assert tx["TOT_EMP"] == "**"
    texas = jobs[(key, "29-2072", "state", "TX")]
    assert (
        texas["employment"] is None and texas["jobs_per_1000"] is None and texas["location_quotient"] is None
    )
    assert texas["mean_wage_rse"] == 1.1

    # '~': under 0.5% of establishments; thousands separators elsewhere.
    _, nj = fixture_row("state_M2023_dl.csv", area="34", occ="29-2072")
    assert (nj["PCT_RPT"], nj["TOT_EMP"]) == ("~", "5,180")
    jersey = jobs[(key, "29-2072", "state", "NJ")]
    assert (jersey["pct_reporting"], jersey["pct_total"], jersey["employment"]) == (None, 12.5, 5180.0)
    assert (jersey["employment_rse"], jersey["jobs_per_1000"], jersey["location_quotient"]) == (
        7.7,
        1.239,
        0.67,
    )

    # '#': at or above the May 2023 top code, stored as the threshold and flagged.
    _, doc = fixture_row("state_M2023_dl.csv", area="06", occ="29-1228")
    assert (doc["H_MEDIAN"], doc["A_PCT90"], doc["H_PCT25"]) == ("#", "#", "85.10")
    for statistic in ("median", "p75", "p90"):
        fig = stored[(key, "29-1228", "state", "CA", statistic)]
        assert (fig["hourly"], fig["annual"], fig["hourly_capped"], fig["annual_capped"]) == (
            115.0,
            239200.0,
            True,
            True,
        )
    p25 = stored[(key, "29-1228", "state", "CA", "p25")]
    assert (p25["hourly"], p25["annual"], p25["hourly_capped"], p25["annual_capped"]) == (
        85.10,
        177010.0,
        False,
        False,
    )

    # ANNUAL=TRUE: annual wages only; HOURLY=TRUE: hourly wages only.
    _, teachers = fixture_row("state_M2023_dl.csv", area="06", occ="25-2021")
    assert teachers["ANNUAL"] == "TRUE"
    median = stored[(key, "25-2021", "state", "CA", "median")]
    assert (median["hourly"], median["annual"]) == (None, money(teachers["A_MEDIAN"]))
    assert jobs[(key, "25-2021", "state", "CA")]["annual_only"] is True
    _, actors = fixture_row("state_M2023_dl.csv", area="06", occ="27-2011")
    assert actors["HOURLY"] == "TRUE"
    median = stored[(key, "27-2011", "state", "CA", "median")]
    assert (median["hourly"], median["annual"]) == (money(actors["H_MEDIAN"]), None)
    assert jobs[(key, "27-2011", "state", "CA")]["hourly_only"] is True
    assert jobs[(key, "29-2072", "state", "CA")]["annual_only"] is False


@BOTH
def test_territory_row_maps_to_the_seeded_territory(fresh_database: str) -> None:
    areas_before = _table(fresh_database, "area")
    run_import(fresh_database, STATE_2023)
    assert _table(fresh_database, "area") == areas_before
    _, pr = fixture_row("state_M2023_dl.csv", area="72", occ="29-2072")
    fig = figures(fresh_database)[("bls-oews-2023-05-state", "29-2072", "territory", "PR", "median")]
    assert fig["annual"] == money(pr["A_MEDIAN"])


def test_older_period_uses_the_older_top_code(fresh_database: str) -> None:
    run_import(fresh_database, STATE_2022)
    _, doc = fixture_row("state_M2022_dl.csv", area="06", occ="29-1228")
    assert doc["A_MEDIAN"] == "#"
    fig = figures(fresh_database)[("bls-oews-2022-05-state", "29-1228", "state", "CA", "median")]
    assert (fig["hourly"], fig["annual"], fig["hourly_capped"], fig["annual_capped"]) == (
        100.0,
        208000.0,
        True,
        True,
    )


@BOTH
def test_two_periods_are_two_releases_side_by_side(fresh_database: str) -> None:
    run_import(fresh_database, STATE_2022)
    run_import(fresh_database, STATE_2023)
    stored = figures(fresh_database)
    _, al22 = fixture_row("state_M2022_dl.csv", area="01", occ="29-2072")
    _, al23 = fixture_row("state_M2023_dl.csv", area="01", occ="29-2072")
    assert stored[("bls-oews-2022-05-state", "29-2072", "state", "AL", "median")]["annual"] == money(
        al22["A_MEDIAN"]
    )
    assert stored[("bls-oews-2023-05-state", "29-2072", "state", "AL", "median")]["annual"] == money(
        al23["A_MEDIAN"]
    )
    assert _release(fresh_database, "bls-oews-2022-05-state")["period_start"] == date(2022, 5, 1)


@BOTH
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_metro_file_with_lower_case_headers_creates_metros_and_nonmetros(
    fresh_database: str, kind: str, msa_xlsx: Path
) -> None:
    assert MSA_2023.read_text().startswith("area,area_title,area_type")
    areas_before = {(a["area_type"], a["code"]): a for a in _table(fresh_database, "area")}
    report = run_import(fresh_database, msa_xlsx if kind == "xlsx" else MSA_2023)
    assert report.release_key == "bls-oews-2023-05-metro"
    assert _release(fresh_database, "bls-oews-2023-05-metro")["file_name"] == f"MSA_M2023_dl.{kind}"

    areas = {(a["area_type"], a["code"]): a for a in _table(fresh_database, "area")}
    atlanta = areas[("metro", "12060")]
    assert atlanta["name"] == "Atlanta-Sandy Springs-Roswell, GA"
    assert json.loads(atlanta["principal_states"]) == ["GA"]
    nonmetro = areas[("nonmetro", "0100001")]
    assert nonmetro["name"] == "Northwest Alabama nonmetropolitan area"
    assert json.loads(nonmetro["principal_states"]) == ["AL"]
    assert areas[("metro", "47900")] == areas_before[("metro", "47900")]
    # The seed's official extract already holds every metropolitan and nonmetropolitan area.
    assert set(areas) == set(areas_before)

    stored = figures(fresh_database)
    key = "bls-oews-2023-05-metro"
    _, dc = fixture_row("MSA_M2023_dl.csv", area="47900", occ="29-2072")
    assert stored[(key, "29-2072", "metro", "47900", "p90")]["annual"] == money(dc["A_PCT90"])
    _, rural = fixture_row("MSA_M2023_dl.csv", area="0100001", occ="29-2072")
    assert rural["H_MEDIAN"] == "*"
    assert (key, "29-2072", "nonmetro", "0100001", "median") not in stored
    assert stored[(key, "29-2072", "nonmetro", "0100001", "p75")]["hourly"] == money(rural["H_PCT75"])
    top = stored[(key, "29-1228", "metro", "12060", "p90")]
    assert (top["annual"], top["annual_capped"]) == (239200.0, True)
    assert employment(fresh_database)[(key, "29-2072", "metro", "12060")]["employment"] == 4120.0
    # Major groups are not loaded by default.
    assert (key, "29-0000", "nonmetro", "0100001", "median") not in stored


def test_xlsx_and_csv_load_the_same_figures(fresh_database: str, msa_xlsx: Path, tmp_path: Path) -> None:
    run_import(fresh_database, MSA_2023, period="May 2023")
    from_csv = {k[1:]: v for k, v in figures(fresh_database).items() if k[0] == "bls-oews-2023-05-metro"}
    renamed = msa_xlsx.rename(tmp_path / "metro_2023.xlsx")
    run_import(fresh_database, renamed, period="May 2024")
    from_xlsx = {k[1:]: v for k, v in figures(fresh_database).items() if k[0] == "bls-oews-2024-05-metro"}
    strip = ("id", "release_id", "release_key", "citation")
    assert {k: {f: v for f, v in d.items() if f not in strip} for k, d in from_csv.items()} == {
        k: {f: v for f, v in d.items() if f not in strip} for k, d in from_xlsx.items()
    }


@BOTH
def test_national_file_without_area_type_or_prim_state(fresh_database: str) -> None:
    header = NATIONAL_2023.read_text().splitlines()[0].split(",")
    assert "AREA_TYPE" not in header and "PRIM_STATE" not in header
    report = run_import(fresh_database, NATIONAL_2023)
    assert report.release_key == "bls-oews-2023-05-national"
    assert report.rows_loaded == 1
    stored = figures(fresh_database)
    _, us = fixture_row("national_M2023_dl.csv", area="99", occ="29-2072")
    fig = stored[("bls-oews-2023-05-national", "29-2072", "national", "US", "median")]
    assert (fig["hourly"], fig["annual"]) == (money(us["H_MEDIAN"]), money(us["A_MEDIAN"]))
    jobs = employment(fresh_database)[("bls-oews-2023-05-national", "29-2072", "national", "US")]
    assert (jobs["employment"], jobs["jobs_per_1000"], jobs["location_quotient"]) == (186400.0, None, None)


@BOTH
def test_area_columns_left_out(fresh_database: str, tmp_path: Path) -> None:
    bare = copy_fixture("national_M2023_dl.csv", tmp_path, edit=drop_columns("AREA", "AREA_TITLE"))
    assert run_import(fresh_database, bare).release_key == "bls-oews-2023-05-national"
    states = copy_fixture("state_M2023_dl.csv", tmp_path, edit=drop_columns("AREA_TYPE", "PRIM_STATE"))
    assert run_import(fresh_database, states).release_key == "bls-oews-2023-05-state"
    stored = figures(fresh_database)
    _, us = fixture_row("national_M2023_dl.csv", area="99", occ="29-2072")
    _, pr = fixture_row("state_M2023_dl.csv", area="72", occ="29-2072")
    assert stored[("bls-oews-2023-05-national", "29-2072", "national", "US", "p10")]["annual"] == money(
        us["A_PCT10"]
    )
    assert stored[("bls-oews-2023-05-state", "29-2072", "territory", "PR", "median")]["annual"] == money(
        pr["A_MEDIAN"]
    )
    published = [
        (r["AREA"], r["OCC_CODE"], stat)
        for r in _default_rows("state_M2023_dl.csv")
        for stat, (h, a) in PAIRS.items()
        if (r[h], r[a]) != ("*", "*")
    ]
    assert len([k for k in stored if k[0] == "bls-oews-2023-05-state"]) == len(published)


def test_groups_flag_loads_major_groups_too(fresh_database: str) -> None:
    report = run_import(fresh_database, NATIONAL_2023, groups=["detailed", "major"])
    assert report.rows_loaded == 2
    stored = figures(fresh_database)
    _, major = fixture_row("national_M2023_dl.csv", area="99", occ="29-0000")
    assert stored[("bls-oews-2023-05-national", "29-0000", "national", "US", "p90")]["annual"] == money(
        major["A_PCT90"]
    )
    occupations = {o["soc_code"]: o["title"] for o in _table(fresh_database, "occupation")}
    assert occupations["29-0000"] == "Healthcare Practitioners and Technical Occupations"
    assert "00-0000" not in occupations


def test_all_data_file_has_scope_all(fresh_database: str) -> None:
    report = run_import(fresh_database, ALL_2023)
    assert (report.release_key, report.label) == (
        "bls-oews-2023-05-all",
        "BLS OEWS, May 2023 (all-data file)",
    )
    # The industry row (NAICS 621100) is read and validated but not loaded.
    assert (report.rows_read, report.rows_loaded) == (5, 4)
    stored = figures(fresh_database)
    assert {k[2:4] for k in stored if k[0] == "bls-oews-2023-05-all"} == {
        ("national", "US"),
        ("state", "AL"),
        ("metro", "41940"),
        ("nonmetro", "0100001"),
    }


@BOTH
def test_occupation_filter(fresh_database: str) -> None:
    report = run_import(fresh_database, STATE_2023, occupations=["29-2072"])
    assert report.rows_loaded == len(
        [r for r in _default_rows("state_M2023_dl.csv") if r["OCC_CODE"] == "29-2072"]
    )
    assert {k[1] for k in figures(fresh_database) if k[0] == report.release_key} == {"29-2072"}
    # The same file again without the filter adds the other occupations to the same release.
    report = run_import(fresh_database, STATE_2023)
    assert report.status == "extended"
    assert _release(fresh_database, report.release_key)["rows_loaded"] == len(
        _default_rows("state_M2023_dl.csv")
    )
    assert {k[1] for k in figures(fresh_database) if k[0] == report.release_key} == {
        "29-2072",
        "29-1228",
        "25-2021",
        "27-2011",
    }


def test_unknown_occupation_is_an_error(fresh_database: str) -> None:
    before = dump(fresh_database)
    with pytest.raises(ImportFailed, match=r"state_M2023_dl\.csv: no rows to load for occupation 29-9999"):
        run_import(fresh_database, STATE_2023, occupations=["29-2072", "29-9999"])
    assert dump(fresh_database) == before


@BOTH
def test_reimporting_the_same_file_changes_nothing(fresh_database: str) -> None:
    run_import(fresh_database, STATE_2023)
    before = dump(fresh_database)
    report = run_import(fresh_database, STATE_2023)
    assert (report.status, report.rows_loaded, report.data_version) == ("unchanged", 0, None)
    assert dump(fresh_database) == before


@BOTH
def test_same_release_from_a_different_file_needs_replace(fresh_database: str, tmp_path: Path) -> None:
    run_import(fresh_database, STATE_2023)
    revised = copy_fixture(
        "state_M2023_dl.csv",
        tmp_path,
        edit=lambda t: t.replace('"40,660"', '"41,000"').replace("19.55", "19.71"),
    )
    before = dump(fresh_database)
    with pytest.raises(
        ImportFailed, match=r"release bls-oews-2023-05-state was imported from a different file"
    ):
        run_import(fresh_database, revised)
    assert dump(fresh_database) == before
    stored = figures(fresh_database)

    report = run_import(fresh_database, revised, replace=True)
    assert report.status == "replaced"
    release = _release(fresh_database, "bls-oews-2023-05-state")
    assert release["checksum"] == hashlib.sha256(revised.read_bytes()).hexdigest()
    assert release["rows_loaded"] == len(_default_rows("state_M2023_dl.csv"))
    fig = figures(fresh_database)[("bls-oews-2023-05-state", "29-2072", "state", "AL", "median")]
    assert (fig["hourly"], fig["annual"]) == (19.71, 41000.0)
    assert figures(fresh_database).keys() == stored.keys()


@BOTH
def test_seeded_article_figures_are_never_modified(fresh_database: str) -> None:
    def seeded(tables: dict) -> dict:
        release_ids = {r["id"] for r in tables["release"] if r["origin"] == "seed"}
        return {
            "release": [r for r in tables["release"] if r["id"] in release_ids],
            "wage_cell": [w for w in tables["wage_cell"] if w["release_id"] in release_ids],
            **{
                n: tables[n]
                for n in ("area_ranking", "experience_level", "pay_factor", "benchmark", "certification")
            },
        }

    before = seeded(dump(fresh_database))
    for path in (STATE_2022, STATE_2023, MSA_2023, NATIONAL_2023, ALL_2023):
        run_import(fresh_database, path)
    assert seeded(dump(fresh_database)) == before


def test_period_from_option_and_from_file_name(fresh_database: str, tmp_path: Path) -> None:
    unnamed = copy_fixture("state_M2023_dl.csv", tmp_path, as_name="medical_records.csv")
    before = dump(fresh_database)
    with pytest.raises(ImportFailed, match=r"medical_records\.csv: cannot tell the period .* pass --period"):
        run_import(fresh_database, unnamed)
    assert dump(fresh_database) == before
    assert run_import(fresh_database, unnamed, period="May 2021").release_key == "bls-oews-2021-05-state"
    short = copy_fixture("state_M2023_dl.csv", tmp_path, as_name="oesm19st.csv")
    assert run_import(fresh_database, short).release_key == "bls-oews-2019-05-state"
