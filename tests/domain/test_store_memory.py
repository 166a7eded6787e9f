"""The read model holds many occupations within bounds, and serves areas where BLS published employment but
no wages."""

import csv
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.db import make_engine
from app.domain.store import MAX_VIEWS
from app.oews import import_oews
from seed.extract import LAYOUT
from tests.conftest import make_client

OCCUPATIONS = 300
# (AREA, AREA_TITLE, AREA_TYPE, PRIM_STATE): areas the seed already knows.
AREAS = [
    ("99", "U.S.", "1", "US"),
    ("34", "New Jersey", "2", "NJ"),
    ("48", "Texas", "2", "TX"),
    ("41940", "San Jose-Sunnyvale-Santa Clara, CA", "4", "CA"),
]
WAGE_COLUMNS = ["H_MEAN", "A_MEAN", "MEAN_PRSE"] + [
    f"{unit}_{stat}" for unit in ("H", "A") for stat in ("PCT10", "PCT25", "MEDIAN", "PCT75", "PCT90")
]


def _code(n: int) -> str:
    return f"47-5{n:03d}"


def _median(n: int, area: int) -> tuple[float, int]:
    """(hourly, annual) as the file prints them; the annual is not hourly x 2080, as in BLS files."""
    hourly = round(20 + n / 8 + area * 1.25, 2)
    return hourly, int(hourly * 2080) + 7


def _employment_only(n: int, area_code: str) -> bool:
    return area_code == "48" and n % 10 == 3


def write_release(path: Path) -> None:
    """A May 2026 all-data file: OCCUPATIONS occupations in four areas; in Texas, every tenth occupation
    has employment but every wage withheld ('*')."""
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=LAYOUT)
        writer.writeheader()
        for a, (code, title, area_type, prim) in enumerate(AREAS):
            for n in range(OCCUPATIONS):
                hourly, annual = _median(n, a)
                area_cells = [code, title, area_type, prim, "000000", "Cross-industry", "cross-industry"]
                occupation_cells = ["1235", _code(n), f"Generated occupation {n}", "detailed"]
                jobs, quotient = ("", "") if code == "99" else ("0.812", "1.07")
                employment_cells = [f"{1000 + n * 10 + a:,}", "2.5", jobs, quotient]
                row = dict.fromkeys(LAYOUT, "")
                row.update(zip(LAYOUT, area_cells + occupation_cells + employment_cells, strict=False))
                figures = {
                    "H_MEAN": hourly + 1,
                    "A_MEAN": annual + 2080,
                    "MEAN_PRSE": 1.1,
                    "H_PCT10": hourly - 6,
                    "H_PCT25": hourly - 3,
                    "H_MEDIAN": hourly,
                    "H_PCT75": hourly + 3,
                    "H_PCT90": hourly + 6,
                    "A_PCT10": annual - 12480,
                    "A_PCT25": annual - 6240,
                    "A_MEDIAN": annual,
                    "A_PCT75": annual + 6240,
                    "A_PCT90": annual + 12480,
                }
                for column in WAGE_COLUMNS:
                    row[column] = "*" if _employment_only(n, code) else f"{figures[column]:.2f}"
                writer.writerow(row)


@pytest.mark.parametrize("fresh_database", ["sqlite", "postgres"], indirect=True)
def test_every_occupation_of_a_large_release_answers_while_views_stay_bounded(
    fresh_database: str, tmp_path: Path
) -> None:
    path = tmp_path / "all_data_M_2026.csv"
    write_release(path)
    engine = make_engine(fresh_database)
    import_oews(engine, path=path)
    engine.dispose()
    with make_client(fresh_database, refresh_interval=3600) as c:
        store = c.app.state.store
        for n in range(OCCUPATIONS):
            code = _code(n)
            national = c.get(f"/percentiles?occupation={code}")
            assert national.status_code == 200, national.text
            body = national.json()
            assert body["release"]["period"] == "May 2026"
            hourly, annual = _median(n, 0)
            assert body["percentiles"]["median"]["hourly"] == hourly
            assert body["percentiles"]["median"]["annual"] == annual
            assert body["percentiles"]["p90"]["annual"] == annual + 12480
            assert body["mean"]["annual"] == annual + 2080

            states = c.get(f"/states?occupation={code}").json()["items"]
            by_code = {s["code"]: s for s in states}
            assert set(by_code) == {"NJ", "TX"}
            assert by_code["NJ"]["wages"]["median"]["annual"] == _median(n, 1)[1]
            assert by_code["NJ"]["wages_released"] is True
            assert by_code["NJ"]["employment"]["employment"] == 1000 + n * 10 + 1
            texas = by_code["TX"]
            assert texas["employment"]["employment"] == 1000 + n * 10 + 2
            if n % 10 == 3:
                assert texas["wages_released"] is False
                assert all(fig is None for fig in texas["wages"].values())
            else:
                assert texas["wages"]["p25"]["hourly"] == round(_median(n, 2)[0] - 3, 2)
            assert store.snapshot.cached_views() <= MAX_VIEWS
        # Every occupation's figures stay in memory (packed): the crawl read each one once.
        assert all(
            store.snapshot.has_figures(store.snapshot.occupation_by_code[_code(n)]["id"])
            for n in range(OCCUPATIONS)
        )
        metro = c.get(f"/metros/41940?occupation={_code(7)}").json()["item"]
        assert metro["wages"]["median"]["annual"] == _median(7, 3)[1]
        assert metro["employment"]["location_quotient"] == 1.07


def test_area_with_employment_but_no_published_wages_is_served(client: TestClient) -> None:
    # The May 2025 file gives Elmira, NY (21300) 80 Medical Records Specialists and no wage ('*').
    got = client.get("/metros/21300?occupation=29-2072")
    assert got.status_code == 200, got.text
    item = got.json()["item"]
    assert item["release"] == "bls-oews-2025-05"
    assert item["wages_released"] is False
    assert all(fig is None for fig in item["wages"].values())
    assert item["employment"]["employment"] == 80
    assert item["employment"]["employment_rse"] == 10.4
    assert item["employment"]["location_quotient"] == 1.81

    listed = {m["code"]: m for m in client.get("/metros?occupation=29-2072&limit=1000").json()["items"]}
    assert listed["21300"]["wages_released"] is False
    assert all(m["wages_released"] for code, m in listed.items() if m["wages"]["median"] is not None)

    csv_text = client.get("/metros?fields=code,wages_released,median&format=csv&limit=1000").text
    assert '21300,"Elmira, NY",metro,false,,,,,,,' in csv_text.splitlines()

    withheld = client.get("/percentiles?metro=21300").json()
    assert withheld["wages_released"] is False and "Elmira" in withheld["area"]["name"]
    assert all(fig is None for fig in withheld["percentiles"].values())
    assert withheld["employment"]["employment"] == 80

    # The national cell carries TOT_EMP and EMP_PRSE (194,720 at 1.1%), no location quotient.
    national = client.get("/percentiles").json()["employment"]
    assert national["employment"] == 194720
    assert national["employment_rse"] == 1.1
    assert national["location_quotient"] is None
