"""Reference periods: from the option, from official file names, and the top code each period used."""

from datetime import date

import pytest

from app.errors import ImportFailed
from app.oews import Period, infer_period, parse_period


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("May 2023", Period(2023, 5)),
        ("may 2022", Period(2022, 5)),
        ("Nov. 2001", Period(2001, 11)),
        ("2024-05", Period(2024, 5)),
    ],
)
def test_parse_period(text: str, expected: Period) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["2023", "Spring 2023", "2023-13", "May 23", "May 3023"])
def test_parse_period_rejects(text: str) -> None:
    with pytest.raises(ImportFailed):
        parse_period(text)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("national_M2023_dl.xlsx", Period(2023, 5)),
        ("state_M2022_dl.csv", Period(2022, 5)),
        ("MSA_M2019_dl.xlsx", Period(2019, 5)),
        ("all_data_M_2023.xlsx", Period(2023, 5)),
        ("oesm23all.zip", Period(2023, 5)),
        ("oesm18nat.csv", Period(2018, 5)),
        ("medical_records.csv", None),
        ("summary_2023.csv", None),
    ],
)
def test_infer_period(name: str, expected: Period | None) -> None:
    assert infer_period(name) == expected


def test_period_label_start_and_top_codes() -> None:
    may23 = Period(2023, 5)
    assert (may23.label, may23.start, may23.top_codes) == ("May 2023", date(2023, 5, 1), (115.0, 239200.0))
    assert Period(2024, 5).top_codes == (115.0, 239200.0)
    assert Period(2022, 5).top_codes == (100.0, 208000.0)
