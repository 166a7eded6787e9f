"""The estimate profile, defined once: its vocabularies, limits and descriptions, as the query model (GET
/estimate, the embed card, the fast path) and the JSON body (POST /estimate, /estimate/batch) derive them.

No HTTP here: the pure method, the service and the routers all import it."""

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, create_model

from app.config import DEFAULT_OCCUPATION
from app.domain.models import HOURS_PER_YEAR
from app.domain.occupations import MAX_OCCUPATION_LENGTH, OCCUPATION
from app.domain.places import LOCATION_FIELD, METRO_FIELD, STATE_FIELD
from app.errors import describe_pattern


class Level(StrEnum):
    """Experience level (band) of the article's experience table."""

    entry = "entry"
    mid = "mid"
    senior = "senior"


class Education(StrEnum):
    """Highest education completed."""

    certificate = "certificate"
    associate = "associate"
    bachelor = "bachelor"


class Setting(StrEnum):
    """Work setting."""

    hospital = "hospital"
    physician_office = "physician_office"
    billing_company = "billing_company"
    government = "government"
    freelance = "freelance"


class Specialty(StrEnum):
    """Coding specialty."""

    outpatient = "outpatient"
    inpatient = "inpatient"
    surgical = "surgical"
    auditing = "auditing"
    risk_adjustment = "risk_adjustment"


YEARS_MAX = 50
HOURS_MAX = 4000
HOURS_DEFAULT = HOURS_PER_YEAR
MATCH_MAX = 10
CERTS_MAX_LENGTH = 200
CERT_CODE_PATTERN = describe_pattern(
    r"^[A-Za-z0-9-]{1,20}$", "a certification code such as CPC (see /certifications)"
)
CERTS_PATTERN = describe_pattern(
    r"^[A-Za-z0-9-]{1,20}(?:,[A-Za-z0-9-]{1,20})*$",
    "certification codes separated by commas, such as CPC,CCS (see /certifications), or none",
)

YEARS = f"Years of experience (0-{YEARS_MAX}); picks the experience band"
LEVEL = "Experience level: entry, mid or senior (or give years)"
HOURS = f"Paid hours a year (1-{HOURS_MAX}); annual = hourly x hours"
MATCH = f"Employer retirement match, percent of base salary (0-{MATCH_MAX})"
CERTS = (
    "Certification codes from /certifications (comma-separated in a query, or a JSON list), or 'none'; "
    "leave out when unknown"
)


class ProfileQuery(BaseModel):
    """A profile as query parameters: GET /estimate, the embed card and the fast path validate with it."""

    # Enum members are stored as their plain strings (the service, its memo keys and orjson see strings);
    # the enums are not strict in the JSON body either, where their values arrive as strings.
    model_config = ConfigDict(use_enum_values=True)

    occupation: str = Field(
        default=DEFAULT_OCCUPATION,
        max_length=MAX_OCCUPATION_LENGTH,
        description=OCCUPATION + ". The experience method covers 29-2072 only; any other occupation gets its "
        "area's official 25th-75th percentile wages",
        examples=["29-2072"],
    )
    location: str | None = LOCATION_FIELD
    years: int | None = Field(default=None, ge=0, le=YEARS_MAX, description=YEARS, examples=[5])
    level: Level | None = Field(default=None, strict=False, description=LEVEL)
    certifications: str | None = Field(
        default=None, pattern=CERTS_PATTERN, max_length=CERTS_MAX_LENGTH, description=CERTS, examples=["CPC"]
    )
    education: Education | None = Field(default=None, strict=False, description="Highest education completed")
    state: str | None = STATE_FIELD
    metro: str | None = METRO_FIELD
    setting: Setting | None = Field(
        default=None, strict=False, description="Work setting (described in words only)"
    )
    specialty: Specialty | None = Field(default=None, strict=False, description="Coding specialty")
    hours_per_year: int = Field(default=HOURS_DEFAULT, ge=1, le=HOURS_MAX, description=HOURS)
    retirement_match_pct: float | None = Field(default=None, ge=0, le=MATCH_MAX, description=MATCH)


PROFILE_FIELDS: tuple[str, ...] = tuple(ProfileQuery.model_fields)
# The inputs only the article's experience method uses: for another occupation they are refused (422).
ARTICLE_METHOD_FIELDS = ("years", "level", "certifications", "education", "setting", "specialty")


CertificationsBody = (
    Annotated[str, Field(pattern=CERTS_PATTERN)]
    | Annotated[list[Annotated[str, Field(pattern=CERT_CODE_PATTERN)]], Field(min_length=1)]
    | None
)


class EstimateRequest(ProfileQuery):
    """One profile; the JSON body of POST /estimate (a list of them for POST /estimate/batch)."""

    model_config = ConfigDict(extra="forbid", strict=True, use_enum_values=True)

    certifications: CertificationsBody = Field(  # type: ignore[assignment]
        default=None, description=CERTS, max_length=CERTS_MAX_LENGTH, examples=[["CPC", "CCS"]]
    )


# The explorer's form: every profile field as free text (empty = not given), checked later by EstimateRequest.
ProfileForm = create_model(  # type: ignore[call-overload]
    "ProfileForm",
    __doc__="The profile as the explorer's form sends it: text, empty meaning not given.",
    **{
        name: (
            str | None,
            Field(
                default=None,
                max_length=200,
                description=f"As in /estimate: {field.description}",
                examples=field.examples,
            ),
        )
        for name, field in ProfileQuery.model_fields.items()
    },
)
