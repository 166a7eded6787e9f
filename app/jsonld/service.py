"""The market's wage distribution for an occupation in a place, as schema.org markup a job board can put on
its posting page: an ``Occupation`` whose ``estimatedSalary`` is the official percentiles (never the
employer's ``baseSalary``)."""

from typing import cast

from typing_extensions import TypedDict

from app.domain.occupations import OccupationMatch
from app.domain.places import Located
from app.domain.records import Figures, in_unit
from app.domain.store import Snapshot
from app.errors import NotFound

PERCENTILES = {"p10": "percentile10", "p25": "percentile25", "median": "median", "p75": "percentile75",
               "p90": "percentile90"}  # fmt: skip
# What each kind of area is in schema.org's vocabulary.
PLACE_TYPES = {"national": "Country", "state": "State", "territory": "State"}
# An hourly or a yearly amount, as an ISO 8601 duration.
DURATIONS = {"annual": "P1Y", "hourly": "PT1H"}


# schema.org's shapes, as this markup fills them (their keys are not Python names).
Distribution = TypedDict(
    "Distribution",
    {
        "@type": str,
        "name": str,
        "currency": str,
        "duration": str,
        "percentile10": float,
        "percentile25": float,
        "median": float,
        "percentile75": float,
        "percentile90": float,
    },
)
Named = TypedDict("Named", {"@type": str, "name": str})
Dataset = TypedDict(
    "Dataset",
    {"@type": str, "name": str, "temporalCoverage": str, "url": str, "publisher": Named, "citation": str},
)
OccupationMarkup = TypedDict(
    "OccupationMarkup",
    {
        "@context": str,
        "@type": str,
        "name": str,
        "occupationalCategory": str,
        "occupationLocation": Named,
        "estimatedSalary": list[Distribution],
        "description": str,
        "subjectOf": Dataset,
    },
)


def _distribution(wages: Figures, unit: str) -> Distribution | None:
    """One unit's published percentiles as a MonetaryAmountDistribution; None unless all five are."""
    p10, p25, median, p75, p90 = (in_unit(wages[stat], unit) for stat in PERCENTILES)
    if p10 is None or p25 is None or median is None or p75 is None or p90 is None:
        return None
    return {
        "@type": "MonetaryAmountDistribution",
        "name": f"{'Annual' if unit == 'annual' else 'Hourly'} wage percentiles",
        "currency": "USD",
        "duration": DURATIONS[unit],
        "percentile10": p10,
        "percentile25": p25,
        "median": median,
        "percentile75": p75,
        "percentile90": p90,
    }


def occupation_markup(snapshot: Snapshot, *, occupation: OccupationMatch, place: Located) -> OccupationMarkup:
    """The schema.org Occupation of ``occupation`` in ``place``, with its source and release; a 404 where the
    area has no published percentiles."""
    view = snapshot.view(occupation.id, None)
    area = place.area
    rec = view.by_key.get(place.key)
    wages: Figures = rec["wages"] if rec is not None else {}
    distributions = [d for unit in ("annual", "hourly") if wages and (d := _distribution(wages, unit))]
    if rec is None or not distributions:
        raise NotFound(
            f"No published wage percentiles for {occupation.occupation['title']} in {area['name']} "
            f"({area['code']}): see /percentiles for what is published there.",
            details=[{"parameter": "location", "value": area["code"], "see": "/percentiles"}],
        )
    release = snapshot.release_by_key[cast(str, rec["release"])]  # an area with figures has their release
    source = snapshot.sources[release["source_id"]]
    median = wages.get("median")
    return {
        "@context": "https://schema.org",
        "@type": "Occupation",
        "name": occupation.occupation["title"],
        "occupationalCategory": occupation.soc_code,
        "occupationLocation": {
            "@type": PLACE_TYPES.get(area["area_type"], "AdministrativeArea"),
            "name": area["name"],
        },
        "estimatedSalary": distributions,
        "description": (
            f"Wages of {occupation.occupation['title']} (SOC {occupation.soc_code}) in {area['name']}: "
            f"{source['publisher'] or source['title']}, {release['label']}. The market's published "
            f"percentiles, not any one employer's pay. Location: {place.explanation}"
        ),
        "subjectOf": {
            "@type": "Dataset",
            "name": release["label"],
            "temporalCoverage": release["period"] or "",
            "url": source["url"] or "",
            "publisher": {"@type": "Organization", "name": source["publisher"] or source["title"]},
            "citation": (None if median is None else median["citation"]) or "",
        },
    }
