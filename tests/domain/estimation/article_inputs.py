"""The method's inputs typed from the article and the BLS OEWS May 2025 file
(seed/oews/all_data_M_2025_extract.csv), shared by the tests of the estimation package."""

from app.domain.estimation.inputs import Area, Band, Cited, Pct, Remark, Sources, Stat

ARTICLE = Cited("article", "article", "article sentence")
ARTICLE_BLS = Cited("bls", "bls-oews-2023-05-article", "bls sentence")
AAPC = Cited("aapc", "aapc-survey-article", "aapc sentence")
GLASSDOOR = Cited("glassdoor", "glassdoor-article", "glassdoor sentence")
BLS_RELEASE = "bls-oews-2025-05"
MAY_2025 = "May 2025"


def row(number: int, title: str) -> str:
    return f"BLS OEWS file all_data_M_2025_extract.csv, row {number}: {title}, Medical Records Specialists"


def percentiles(hourly: tuple, annual: tuple, citation: str) -> dict[str, Stat]:
    """p25 / median / p75 as the file prints them (H_PCT25, H_MEDIAN, H_PCT75; A_PCT25, A_MEDIAN, A_PCT75)."""
    return {s: Stat(h, a, citation) for s, h, a in zip(("p25", "median", "p75"), hourly, annual, strict=True)}


# The BLS OEWS May 2025 rows, typed from the file.
NATIONAL_STATS = percentiles((20.91, 24.59, 31.17), (43490.0, 51140.0, 64820.0), row(3, "U.S."))


def official(area_type: str, code: str, name: str, stats: dict, states: tuple[str, ...] = ()) -> Area:
    return Area(area_type, code, name, BLS_RELEASE, "bls", stats, NATIONAL_STATS, states, period=MAY_2025)


NATIONAL = official("national", "US", "United States", NATIONAL_STATS)
DC = official(
    "state",
    "DC",
    "District of Columbia",
    percentiles((26.80, 34.63, 47.63), (55750.0, 72040.0, 99060.0), row(38, "District of Columbia")),
)
NJ = official(
    "state",
    "NJ",
    "New Jersey",
    percentiles((17.14, 24.16, 31.10), (35640.0, 50240.0, 64700.0), row(126, "New Jersey")),
)
TX = official(
    "state", "TX", "Texas", percentiles((18.98, 23.49, 30.76), (39470.0, 48860.0, 63970.0), row(178, "Texas"))
)
TRENTON = official(
    "metro",
    "45940",
    "Trenton-Princeton, NJ",
    percentiles((22.94, 28.17, 33.51), (47700.0, 58590.0, 69700.0), row(1390, "Trenton-Princeton, NJ")),
    ("NJ",),
)
WASHINGTON = official(
    "metro",
    "47900",
    "Washington-Arlington-Alexandria, DC-VA-MD-WV",
    percentiles(
        (23.54, 28.28, 36.13),
        (48970.0, 58810.0, 75140.0),
        row(1447, "Washington-Arlington-Alexandria, DC-VA-MD-WV"),
    ),
    ("DC", "VA", "MD", "WV"),
)
MS = Area("state", "MS", "Mississippi", tier="lower_paying", tier_note=ARTICLE_BLS)  # known, no figures
NOWHERE = Area("state", "ZZ", "Nowhere")  # known, nothing at all

# The article's bands and sentences, as printed; the national figures of the BLS file.
SOURCES = Sources(
    bands=(
        Band("entry", "Entry-Level", 0, 2, 17.0, 22.0, False, ARTICLE),
        Band("mid", "Mid-Career", 3, 9, 23.0, 30.0, False, ARTICLE),
        Band("senior", "Senior/Experienced", 10, None, 31.0, 45.0, True, ARTICLE),
    ),
    national=NATIONAL,
    certification_premium=Pct(29, 29, "certified earn 29% more", AAPC),
    associate=Pct(5, 10, "associate 5-10% higher starting salary", ARTICLE),
    inpatient=Pct(10, 20, "inpatient 10-20% more than outpatient", ARTICLE),
    additional_pay=3584.0,
    additional_pay_cited=GLASSDOOR,
    remarks={
        "setting_hospital": Remark("Large hospital systems are often the highest-paying employers.", ARTICLE),
        "setting_government": Remark("Government base might sometimes lag slightly.", ARTICLE),
        "specialty_surgical": Remark("Surgical coders are highly sought after.", ARTICLE),
        "education_bachelor": Remark("Management roles often exceed $100,000: a different job.", ARTICLE),
        "education_certificate": Remark("Slightly lower starting salary than a degree.", ARTICLE),
        "retirement_match_example": Remark("Match up to 5% of salary.", ARTICLE),
    },
    certifications={
        "CPC": Remark("Outpatient gold standard.", ARTICLE),
        "CCS": Remark("Inpatient.", ARTICLE),
    },
)
KNOWN_SOURCES = {"article", "bls", "aapc", "glassdoor", "payscale", "salary_com"}


def hourly(result: dict) -> tuple[float, float, float]:
    return result["hourly"]["low"], result["hourly"]["mid"], result["hourly"]["high"]


def annual(result: dict) -> tuple[float, float, float]:
    return result["annual"]["low"], result["annual"]["mid"], result["annual"]["high"]
