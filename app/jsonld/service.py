"""The market's wage distribution for an occupation in a place, as schema.org markup a job board can put on
its posting page: an ``Occupation`` whose ``estimatedSalary`` is the official percentiles (never the
employer's ``baseSalary``)."""

from typing import Any

from app.domain.occupations import OccupationMatch
from app.domain.places import Located
from app.domain.store import Snapshot
from app.errors import NotFound

PERCENTILES = {"p10": "percentile10", "p25": "percentile25", "median": "median", "p75": "percentile75",
               "p90": "percentile90"}  # fmt: skip
# What each kind of area is in schema.org's vocabulary.
PLACE_TYPES = {"national": "Country", "state": "State", "territory": "State"}
# An hourly or a yearly amount, as an ISO 8601 duration.
DURATIONS = {"annual": "P1Y", "hourly": "PT1H"}


def _distribution(wages: dict[str, Any], unit: str) -> dict[str, Any] | None:
    """One unit's published percentiles as a MonetaryAmountDistribution; None unless all five are."""
    values = {key: (wages[stat] or {}).get(unit) for stat, key in PERCENTILES.items()}
    if any(v is None for v in values.values()):
        return None
    return {
        "@type": "MonetaryAmountDistribution",
        "name": f"{'Annual' if unit == 'annual' else 'Hourly'} wage percentiles",
        "currency": "USD",
        "duration": DURATIONS[unit],
        **values,
    }


def occupation_markup(snapshot: Snapshot, *, occupation: OccupationMatch, place: Located) -> dict[str, Any]:
    """The schema.org Occupation of ``occupation`` in ``place``, with its source and release; a 404 where the
    area has no published percentiles."""
    view = snapshot.view(occupation.id, None)
    area = place.area
    rec = view.by_key.get(place.key)
    wages = rec["wages"] if rec is not None else {}
    distributions = [d for unit in ("annual", "hourly") if wages and (d := _distribution(wages, unit))]
    if rec is None or not distributions:
        raise NotFound(
            f"No published wage percentiles for {occupation.occupation['title']} in {area['name']} "
            f"({area['code']}): see /percentiles for what is published there.",
            details=[{"parameter": "location", "value": area["code"], "see": "/percentiles"}],
        )
    release = snapshot.release_by_key[rec["release"]]
    source = snapshot.sources[release["source_id"]]
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
            "citation": (wages.get("median") or {}).get("citation") or "",
        },
    }
