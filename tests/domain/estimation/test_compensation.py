"""Total compensation: the base salary, the additional pay a source states and the retirement match, with
inputs typed from the article and Glassdoor's figure
(seed/oews/all_data_M_2025_extract.csv), and results worked by hand."""

from app.domain.estimation.inputs import Profile
from app.domain.estimation.method import estimate
from tests.domain.estimation.article_inputs import SOURCES


def test_total_compensation_adds_glassdoor_and_match() -> None:
    # Senior at 1,000 h: base 31,000 / 38,000 / 45,000; + 3,584 Glassdoor additional pay;
    # + 5% match: 1,550 / 1,900 / 2,250. Totals: 36,134 / 43,484 / 50,834.
    result = estimate(Profile(level="senior", hours_per_year=1000, retirement_match_pct=5), SOURCES)
    total = result["total_compensation"]
    assert (total["low"], total["mid"], total["high"]) == (36134.0, 43484.0, 50834.0)
    extra, match = total["components"]
    assert (
        extra["component"] == "additional_pay" and extra["mid"] == 3584.0 and extra["source"] == "glassdoor"
    )
    assert "national average" in extra["label"]
    assert (match["low"], match["mid"], match["high"]) == (1550.0, 1900.0, 2250.0)


def test_total_compensation_without_match_has_only_additional_pay() -> None:
    # National base: published annual median 51,140 + 3,584 = 54,724.
    total = estimate(Profile(), SOURCES)["total_compensation"]
    assert [c["component"] for c in total["components"]] == ["additional_pay"]
    assert total["mid"] == 54724.0
