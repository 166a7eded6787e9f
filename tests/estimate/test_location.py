"""The location method over HTTP on the seeded BLS OEWS May 2025 figures, and with separate state and national
files imported by the real importer. Expected figures are read from the BLS file, never from our code."""

import csv
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.db import make_engine
from app.oews import import_oews
from tests.conftest import make_client

BOTH = pytest.mark.parametrize("fresh_database", ["sqlite", "postgres"], indirect=True)
BLS_FILE = Path(__file__).parents[2] / "seed" / "oews" / "all_data_M_2025_extract.csv"
SEED_RELEASE = "bls-oews-2025-05"
OCC = "29-2072"


def bls_rows() -> tuple[list[str], dict[str, tuple[int, dict[str, str]]]]:
    """The BLS file's header, and its 29-2072 rows by AREA with their spreadsheet row numbers."""
    with BLS_FILE.open(newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = {}
        for number, cells in enumerate(reader, start=2):
            row = dict(zip(header, cells, strict=True))
            if row["OCC_CODE"] == OCC:
                rows[row["AREA"]] = (number, row)
    return header, rows


HEADER, ROWS = bls_rows()


def citation(file: str, number: int, title: str) -> str:
    return f"BLS OEWS file {file}, row {number}: {title}, Medical Records Specialists"


def seed_citation(area: str) -> str:
    number, row = ROWS[area]
    return citation(BLS_FILE.name, number, row["AREA_TITLE"])


def cents(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def band_times(factor: Decimal) -> tuple[float, float, float]:
    """The article's mid-career band ($23-$30, mid at the centre) times a location factor, to the cent."""
    return cents(23 * factor), cents(Decimal("26.5") * factor), cents(30 * factor)


def median_factor(area: str) -> Decimal:
    return Decimal(ROWS[area][1]["A_MEDIAN"]) / Decimal(ROWS["99"][1]["A_MEDIAN"])


def write_file(path: Path, areas: list[str]) -> Path:
    """A small file in the official layout holding the BLS file's rows for these areas (rows 2, 3, ...)."""
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for area in areas:
            writer.writerow([ROWS[area][1][name] for name in HEADER])
    return path


def import_file(url: str, path: Path, **options: str) -> None:
    engine = make_engine(url)
    try:
        import_oews(engine, path=path, **options)  # type: ignore[arg-type]
    finally:
        engine.dispose()


def test_the_file_holds_the_figures_these_tests_rely_on() -> None:
    """The official values the brief names, read from the file itself."""
    assert (ROWS["99"][1]["A_MEDIAN"], ROWS["34"][1]["A_MEDIAN"]) == ("51140", "50240")
    texas = ROWS["48"][1]
    assert [texas[c] for c in ("A_PCT25", "A_MEDIAN", "A_PCT75", "H_PCT25", "H_PCT75")] == [
        "39470",
        "48860",
        "63970",
        "18.98",
        "30.76",
    ]


def test_new_jersey_factor_is_its_official_median_over_the_national(client: TestClient) -> None:
    body = client.get("/estimate?years=5&state=NJ").json()
    (adj,) = body["adjustments"]
    # 50,240 / 51,140 = 0.98240...: New Jersey's median is below the nation's (the article's mean said x1.42).
    assert Decimal(repr(adj["multiplier_mid"])) == pytest.approx(Decimal(50240) / Decimal(51140))
    assert adj["multiplier_low"] < 1
    assert adj["citation"] == f"{seed_citation('34')} / {seed_citation('99')}"
    assert adj["releases"] == [SEED_RELEASE] and adj["release"] == SEED_RELEASE and adj["source"] == "bls"
    assert "New Jersey median annual wage 50,240 / national median annual wage 51,140" in adj["explanation"]
    assert [body["hourly"][k] for k in ("low", "mid", "high")] == list(band_times(median_factor("34")))
    assert SEED_RELEASE in [r["key"] for r in body["releases"]]


def test_texas_without_experience_is_its_published_interquartile_range(client: TestClient) -> None:
    body = client.get("/estimate?state=TX").json()
    _, texas = ROWS["48"]
    annual = [float(texas[c]) for c in ("A_PCT25", "A_MEDIAN", "A_PCT75")]
    hourly = [float(texas[c]) for c in ("H_PCT25", "H_MEDIAN", "H_PCT75")]
    assert [body["annual"][k] for k in ("low", "mid", "high")] == annual == [39470.0, 48860.0, 63970.0]
    assert [body["hourly"][k] for k in ("low", "mid", "high")] == hourly == [18.98, 23.49, 30.76]
    assert body["annual"]["published"] is True
    assert body["adjustments"] == []
    assert body["base"]["kind"] == "area_percentiles" and body["base"]["area"]["code"] == "TX"
    assert body["base"]["citation"] == seed_citation("48") and body["base"]["release"] == SEED_RELEASE
    note = next(n for n in body["notes"] if n["factor"] == "state")
    assert "No location multiplier is applied" in note["message"]
    # Other hours: the published hourly x hours, marked derived; 18.98 x 2000 = 37,960.
    part = client.get("/estimate?state=TX&hours_per_year=2000").json()
    assert part["annual"]["published"] is False and part["annual"]["low"] == 37960.0
    assert any(n["factor"] == "hours_per_year" and "derived" in n["message"] for n in part["notes"])


def test_metro_uses_its_own_median_and_percentiles(client: TestClient) -> None:
    # Atlantic City-Hammonton, NJ (CBSA 12100).
    _, metro = ROWS["12100"]
    body = client.get("/estimate?years=5&state=NJ&metro=12100").json()
    (adj,) = body["adjustments"]
    assert adj["factor"] == "metro"
    assert adj["citation"] == f"{seed_citation('12100')} / {seed_citation('99')}"
    assert [body["hourly"][k] for k in ("low", "mid", "high")] == list(band_times(median_factor("12100")))
    none = client.get("/estimate?state=NJ&metro=12100").json()
    assert [none["annual"][k] for k in ("low", "mid", "high")] == [
        float(metro[c]) for c in ("A_PCT25", "A_MEDIAN", "A_PCT75")
    ]
    assert none["base"]["area"]["code"] == "12100" and none["adjustments"] == []


@BOTH
def test_state_and_national_files_of_one_period_pair_up(fresh_database: str, tmp_path: Path) -> None:
    state = write_file(tmp_path / "state_M2025_dl.csv", ["48", "34"])
    national = write_file(tmp_path / "national_M2025_dl.csv", ["99"])
    import_file(fresh_database, state)
    import_file(fresh_database, national)
    with make_client(fresh_database) as client:
        body = client.get("/estimate?years=5&state=TX").json()
        base = client.get("/estimate").json()
    (adj,) = body["adjustments"]
    assert adj["releases"] == ["bls-oews-2025-05-state", "bls-oews-2025-05-national"]
    # Texas is row 2 of the state file, the nation row 2 of the national file.
    assert adj["citation"] == (
        f"{citation('state_M2025_dl.csv', 2, 'Texas')} / {citation('national_M2025_dl.csv', 2, 'U.S.')}"
    )
    assert [body["hourly"][k] for k in ("low", "mid", "high")] == list(band_times(median_factor("48")))
    provenance = {r["key"] for r in body["releases"]}
    assert {"bls-oews-2025-05-state", "bls-oews-2025-05-national"} <= provenance
    assert base["base"]["release"] == "bls-oews-2025-05-national"
    assert base["annual"]["mid"] == 51140.0


@BOTH
def test_a_state_file_without_national_figures_of_its_period_gets_a_note(
    fresh_database: str, tmp_path: Path
) -> None:
    # The Texas row filed as May 2026: no national figures of that period exist, only May 2025's.
    state = write_file(tmp_path / "state_M2026_dl.csv", ["48"])
    import_file(fresh_database, state)
    with make_client(fresh_database) as client:
        body = client.get("/estimate?years=5&state=TX").json()
    assert body["adjustments"] == []
    assert [body["hourly"][k] for k in ("low", "mid", "high")] == [23.0, 26.5, 30.0]
    note = next(n for n in body["notes"] if n["factor"] == "state")
    assert "no national median of the same period (May 2026)" in note["message"]
    assert note["release"] == "bls-oews-2026-05-state"
    assert note["citation"] == citation("state_M2026_dl.csv", 2, "Texas")
    assert SEED_RELEASE not in {r["key"] for r in body["releases"]}
