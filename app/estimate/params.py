"""The /estimate query parameters as one dependency, shared by GET /estimate and the embed card."""

from typing import Annotated, Any

from fastapi import Query

from app.estimate.schemas import (
    CERTS,
    HOURS,
    HOURS_DEFAULT,
    HOURS_MAX,
    MATCH,
    MATCH_MAX,
    YEARS,
    YEARS_MAX,
    Education,
    Level,
    Setting,
    Specialty,
)


class EstimateQuery:
    """A profile given as query parameters; ``profile`` holds them as keyword arguments for the service."""

    def __init__(self, profile: dict[str, Any]) -> None:
        self.profile = profile


async def estimate_query(
    years: Annotated[int | None, Query(ge=0, le=YEARS_MAX, description=YEARS)] = None,
    level: Annotated[Level | None, Query(description="entry, mid or senior (or give years)")] = None,
    certifications: Annotated[str | None, Query(description=CERTS, max_length=200)] = None,
    education: Annotated[Education | None, Query()] = None,
    state: Annotated[str | None, Query(description="USPS state code", min_length=2, max_length=2)] = None,
    metro: Annotated[str | None, Query(description="CBSA code", pattern=r"^\d{5,7}$")] = None,
    setting: Annotated[Setting | None, Query()] = None,
    specialty: Annotated[Specialty | None, Query()] = None,
    hours_per_year: Annotated[int, Query(ge=1, le=HOURS_MAX, description=HOURS)] = HOURS_DEFAULT,
    retirement_match_pct: Annotated[float | None, Query(ge=0, le=MATCH_MAX, description=MATCH)] = None,
) -> EstimateQuery:
    """Collect the profile (an async dependency: no thread-pool hop per request)."""
    return EstimateQuery(
        {
            "years": years,
            "level": level,
            "certifications": certifications,
            "education": education,
            "state": state,
            "metro": metro,
            "setting": setting,
            "specialty": specialty,
            "hours_per_year": hours_per_year,
            "retirement_match_pct": retirement_match_pct,
        }
    )
