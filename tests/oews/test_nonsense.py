"""Nonsense figures (issue 11, part 4) are refused with file, row and column, writing nothing, and
``/percentiles`` answers byte for byte as before. A value already stored out of bounds is never served."""

from pathlib import Path

import pytest
from sqlalchemy import text

from app.db import make_engine
from app.errors import ImportFailed
from tests.conftest import make_client
from tests.oews.conftest import BOTH, copy_fixture, dump, fixture_row, fixture_rows, run_import

STATE = "state_M2023_dl.csv"
# Alabama's 29-2072 row of the fixture: H_MEAN 20.52, A_MEAN 42,680, H_PCT10..90 14.47 16.79 19.55 23.30
# 27.91, A_PCT10..90 30,090 34,930 40,660 48,460 58,050, TOT_EMP 2,360; ANNUAL and HOURLY empty.
AL_ROW, AL = fixture_row(STATE, area="01", occ="29-2072")
PREFIX = rf"state_M2023_dl\.csv, row {AL_ROW}, "


def in_alabama(old: str, new: str):
    """An ``edit`` that changes one text in Alabama's 29-2072 line only."""

    def edit(content: str) -> str:
        lines = content.splitlines(keepends=True)
        i = AL_ROW - 1
        assert old in lines[i], (old, lines[i])
        lines[i] = lines[i].replace(old, new, 1)
        return "".join(lines)

    return edit


CASES = {
    "negative wage": (
        in_alabama("19.55", "-19.55"),
        PREFIX + r"column H_MEDIAN: the wage -19\.55 is below zero\.",
    ),
    "1e300": (
        in_alabama('"40,660"', "1e300"),
        PREFIX + r"column A_MEDIAN: 1e\+300 is not an annual wage \(the bound is 2,080,000",
    ),
    "infinity": (in_alabama("19.55", "inf"), PREFIX + r"column H_MEDIAN: 'inf' is not a number\."),
    "not a number": (in_alabama('"40,660"', "NaN"), PREFIX + r"column A_MEDIAN: 'NaN' is not a number\."),
    "hourly beyond any wage": (
        in_alabama("20.52", "1500"),
        PREFIX + r"column H_MEAN: 1,500 is not an hourly wage \(the bound is 1,000; BLS top-codes at 115\)",
    ),
    "hourly percentiles descending": (
        in_alabama("14.47,16.79", "16.79,14.47"),
        PREFIX + r"column H_PCT25: 14\.47 is below H_PCT10 \(16\.79\); percentiles must not decrease\.",
    ),
    "annual percentiles descending": (
        in_alabama('"48,460","58,050"', '"58,050","48,460"'),
        PREFIX + r"column A_PCT90: 48,460 is below A_PCT75 \(58,050\); percentiles must not decrease\.",
    ),
    "top code below the top": (
        in_alabama("16.79", "#"),
        PREFIX + r"column H_MEDIAN: 19\.55 follows H_PCT25, which is top-coded \(#\)\.",
    ),
    "hourly $1 against annual $999,999": (
        in_alabama('20.52,"42,680"', '1.00,"999,999"'),
        PREFIX + r"columns H_MEAN, A_MEAN: hourly 1 and annual 999,999 disagree: annual must be hourly x "
        r"2,080 hours within \$25",
    ),
    "hourly and annual a little apart": (
        in_alabama('"40,660"', '"40,700"'),  # 19.55 x 2,080 = 40,664: $36 off
        PREFIX + r"columns H_MEDIAN, A_MEDIAN: hourly 19\.55 and annual 40,700 disagree",
    ),
    "top code on one side only": (
        in_alabama("27.91", "#"),  # hourly at or above $115.00, annual 58,050
        PREFIX + r"columns H_PCT90, A_PCT90: hourly # \(top-coded\) and annual 58,050 disagree",
    ),
    "negative employment": (
        in_alabama('"2,360"', "-2360"),
        PREFIX + r"column TOT_EMP: -2,360 is below zero\.",
    ),
}


@BOTH
@pytest.mark.parametrize("case", list(CASES))
def test_nonsense_is_refused_and_nothing_changes(fresh_database: str, tmp_path: Path, case: str) -> None:
    edit, message = CASES[case]
    path = copy_fixture(STATE, tmp_path, edit=edit)
    with make_client(fresh_database) as client:
        before_body = client.get("/percentiles").content
    before = dump(fresh_database)
    with pytest.raises(ImportFailed, match=message):
        run_import(fresh_database, path)
    assert dump(fresh_database) == before
    with make_client(fresh_database) as client:
        assert client.get("/percentiles").content == before_body


def test_a_row_flagged_hourly_only_may_disagree(fresh_database: str, tmp_path: Path) -> None:
    # HOURLY = TRUE: BLS published the hourly figures only, so the annual cells are not compared or stored.
    edit = in_alabama('20.52,"42,680"', '1.00,"999,999"')
    path = copy_fixture(STATE, tmp_path, edit=lambda t: in_alabama(",,\n", ",,TRUE\n")(edit(t)))
    report = run_import(fresh_database, path)
    assert report.status == "created"
    with make_client(fresh_database) as client:
        body = client.get("/states/AL", params={"release": "bls-oews-2023-05-state"}).json()["item"]
    assert body["wages"]["mean"]["hourly"] == 1.0
    assert body["wages"]["mean"]["annual"] is None
    assert body["wages"]["median"]["hourly"] == float(AL["H_MEDIAN"])


@pytest.mark.parametrize(
    ("as_name", "period", "message"),
    [
        ("state_M2050_dl.csv", None, r"state_M2050_dl\.csv: the period May 2050 is in the future \(today"),
        (STATE, "May 2099", r"state_M2023_dl\.csv: the period May 2099 is in the future"),
    ],
)
def test_a_future_period_is_refused(
    fresh_database: str, tmp_path: Path, as_name: str, period: str | None, message: str
) -> None:
    path = copy_fixture(STATE, tmp_path, as_name=as_name)
    with make_client(fresh_database) as client:
        before_body = client.get("/percentiles").content
    before = dump(fresh_database)
    with pytest.raises(ImportFailed, match=message):
        run_import(fresh_database, path, period=period)
    assert dump(fresh_database) == before
    with make_client(fresh_database) as client:
        assert client.get("/percentiles").content == before_body


PAGES = ("/", "/percentiles", "/embed/wage-range", "/estimate", "/charts/percentiles.svg")
PAGES += ("/charts/states.svg",)


@BOTH
@pytest.mark.parametrize("stored", [1e300, -41600.0, float("inf"), float("nan")])
def test_a_stored_value_out_of_bounds_is_not_served(fresh_database: str, stored: float) -> None:
    # A database written before the importer refused such values may hold them.
    engine = make_engine(fresh_database)
    with engine.begin() as conn:
        changed = conn.execute(
            text(
                "UPDATE wage_cell SET median_annual = :value "
                "WHERE area_id = (SELECT id FROM area WHERE area_type = 'national') "
                "AND occupation_id = (SELECT id FROM occupation WHERE soc_code = '29-2072') "
                "AND release_id = (SELECT id FROM release WHERE key = 'bls-oews-2025-05')"
            ),
            {"value": stored},
        ).rowcount
        conn.execute(text("UPDATE data_version SET version = version + 1"))
    engine.dispose()
    assert changed == 1
    with make_client(fresh_database) as client:
        answers = {page: client.get(page) for page in PAGES}
        body = answers["/percentiles"].json()
    for page, response in answers.items():
        assert response.status_code < 500, (page, response.text[:300])
        if response.status_code >= 400:
            error = response.json()["error"]
            assert error["status"] == response.status_code and error["message"]
    served = [
        figure["annual"] for figure in body["percentiles"].values() if figure and figure["annual"] is not None
    ]
    assert served and all(0 <= value <= 2_080_000 for value in served)


def test_the_explorer_serves_an_occupation_published_hourly_only(fresh_database: str, tmp_path: Path) -> None:
    # BLS flags some occupations HOURLY (e.g. 27-2042 in May 2025): no annual figures, which broke the page.
    def hourly_only(content: str) -> str:
        lines = content.splitlines(keepends=True)
        major = next(i for i, line in enumerate(lines) if ",29-0000," in line)
        assert lines[major].endswith(",,\n")
        lines[major] = lines[major].removesuffix(",,\n") + ",,TRUE\n"
        return "".join(lines)

    path = copy_fixture("national_M2023_dl.csv", tmp_path, edit=hourly_only)
    run_import(fresh_database, path, groups=["major"])
    _, row = fixture_row_national("29-0000")
    with make_client(fresh_database) as client:
        page = client.get("/", params={"occupation": "29-0000"})
    assert page.status_code == 200
    assert f"${row['H_MEDIAN']}" in page.text


def fixture_row_national(occ: str) -> tuple[int, dict[str, str]]:
    """(row number, row) of the national fixture's row for an occupation."""
    for number, row in enumerate(fixture_rows("national_M2023_dl.csv"), start=2):
        if row["OCC_CODE"] == occ:
            return number, row
    raise KeyError(occ)
