"""The base of a range: an area's own published percentiles when neither years nor level is given, with
inputs typed from the BLS OEWS May 2025 file
(seed/oews/all_data_M_2025_extract.csv), and results worked by hand."""

from app.domain.estimation.inputs import Profile
from app.domain.estimation.method import estimate
from tests.domain.estimation.article_inputs import DC, SOURCES, row


def test_percentile_base_has_no_location_multiplier() -> None:
    result = estimate(Profile(state=DC, certifications=("CPC",), education="associate"), SOURCES)
    assert result["adjustments"] == []
    assert result["base"]["kind"] == "area_percentiles" and result["base"]["area"]["code"] == "DC"
    assert result["base"]["citation"] == row(38, "District of Columbia")
    assert result["annual"]["published"] is True
