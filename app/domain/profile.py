"""The estimate profile, defined once: its vocabularies, limits and descriptions, as the query model (GET
/estimate, the embed card, the fast path) and the JSON body (POST /estimate, /estimate/batch) derive them.

Each field carries, beside its type, limits and description, a Prompt: how a person is asked for it (its
label, hint and the words for a refused value), which the explorer's form reads. The words a card uses for a
profile are here too. No HTTP here: the pure method, the service and the routers all import it."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Annotated, Any

from annotated_types import Ge, Le
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

from app.config import DEFAULT_OCCUPATION
from app.domain.models import HOURS_PER_YEAR
from app.domain.occupations import MAX_OCCUPATION_LENGTH, OCCUPATION
from app.domain.places import LOCATION_FIELD, METRO_FIELD, STATE_FIELD
from app.domain.store import Snapshot
from app.errors import VOCABULARY_OUTSIDE, describe_pattern, nearest_spelling


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
# A full-time year is 40 hours a week for 52 weeks (HOURS_DEFAULT).
WEEKS_PER_YEAR = 52
MATCH_MAX = 10
CERTS_MAX_LENGTH = 200
# A JSON list's bound, checked as it is read: past it validation stops, where a list of half a million bad
# entries made as many errors (seconds of work on the event loop).
CERTS_MAX_ENTRIES = 20
CERT_CODE_PATTERN = describe_pattern(
    r"^[A-Za-z0-9-]{1,20}$", "a certification code such as CPC (see /certifications)"
)
# Spaces around a comma are how people type a list ("CPC, CCS"); the codes are read without them.
CERTS_PATTERN = describe_pattern(
    r"^ *[A-Za-z0-9-]{1,20}(?: *, *[A-Za-z0-9-]{1,20})* *$",
    "certification codes separated by commas, such as CPC,CCS or CPC, CCS (see /certifications), or none",
)

YEARS = f"Years of experience (0-{YEARS_MAX}); picks the experience band"
LEVEL = (
    "Experience level: entry, mid or senior, or a band's name as answers give it (Entry-Level, Mid-Career, "
    "Senior/Experienced); or give years"
)
EDUCATION = (
    "Highest education completed: certificate, associate or bachelor, also as commonly written "
    "(associate's degree, A.A.S., Bachelor's, BS)"
)
HOURS = f"Paid hours a year (1-{HOURS_MAX}); annual = hourly x hours"
MATCH = f"Employer retirement match, percent of base salary (0-{MATCH_MAX})"
# How an annual figure follows from an hourly one when it is not published.
ANNUAL_FROM_HOURLY = "hourly x hours_per_year"
CERTS = (
    "Certification codes from /certifications (comma-separated in a query, or a JSON list), or 'none'; "
    "leave out when unknown"
)


@dataclass(frozen=True, slots=True)
class Prompt:
    """How a form asks for a profile field: its label in plain words, a hint beside it, what the empty choice
    says, the step of a number box (its bounds are the field's), and what a reader whose value was refused
    is told in place of the validator's words."""

    label: str
    hint: str = ""
    unknown: str = "Not given"
    step: str = "1"
    refused: str = "Not one of the choices; pick one from the list."
    low: float | None = None
    high: float | None = None


# The words people type for a vocabulary's values, beside the values themselves, as `spelling` leaves them:
# the experience bands as answers name them (``level.name``: Entry-Level, Mid-Career, Senior/Experienced),
# the degrees as people write them (associate's degree, A.A.S., Bachelor's, BS).
SYNONYMS: dict[type[StrEnum], dict[str, tuple[str, ...]]] = {
    Level: {
        "entry": ("entry level",),
        "mid": ("mid career", "mid level", "midlevel"),
        "senior": ("senior experienced", "senior level", "experienced", "sr"),
    },
    Education: {
        "certificate": (
            "certificate program",
            "certificate course",
            "postsecondary certificate",
            "vocational certificate",
            "non degree certificate",
        ),
        "associate": (
            "associates",
            "associate degree",
            "associates degree",
            "associate of applied science",
            "associate of science",
            "associate of arts",
            "aas",
            "aas degree",
            "as",
            "as degree",
            "aa",
            "aa degree",
            "two year degree",
            "2 year degree",
        ),
        "bachelor": (
            "bachelors",
            "bachelor degree",
            "bachelors degree",
            "bachelor of science",
            "bachelor of arts",
            "bs",
            "bs degree",
            "bsc",
            "ba",
            "ba degree",
            "four year degree",
            "4 year degree",
        ),
    },
}
# What people write for what a vocabulary does not hold, and what to give instead (in a refusal's words): a
# title's seniority is no band of the article's (whose years the data give), and the sources price no
# education below a certificate or above a bachelor's.
_BELOW_CERTIFICATE = "the sources price no education below a certificate: leave education out"
_ABOVE_BACHELOR = (
    "the sources price no degree above a bachelor's: give bachelor, the highest they price, or leave "
    "education out"
)
_NO_BAND = "the bands are the article's, by years of experience: give years, or the band meant"
OUTSIDE: dict[type[StrEnum], dict[str, str]] = {
    Level: dict.fromkeys(
        (
            "junior",
            "junior level",
            "jr",
            "beginner",
            "trainee",
            "lead",
            "principal",
            "expert",
            "intermediate",
        ),
        _NO_BAND,
    ),
    Education: {
        **dict.fromkeys(
            ("high school", "high school diploma", "hs diploma", "diploma", "ged", "no degree", "none"),
            _BELOW_CERTIFICATE,
        ),
        **dict.fromkeys(
            (
                "master",
                "masters",
                "masters degree",
                "master of science",
                "master of health administration",
                "ms",
                "msc",
                "ma",
                "mba",
                "mha",
                "mhi",
                "graduate degree",
                "msn",
                "mph",
                "graduate",
                "postgraduate",
                "post graduate",
                "phd",
                "md",
                "dnp",
                "doctorate",
                "doctoral degree",
            ),
            _ABOVE_BACHELOR,
        ),
    },
}
_DROPPED = re.compile(r"[.'\u2019]")
_SEPARATORS = re.compile(r"[\s_/-]+")


def spelling(text: str) -> str:
    """A word as typed, with only what tells words apart: lower case, no dots or apostrophes, one space for
    any run of spaces, hyphens, underscores and slashes ("Associate's Degree" is "associates degree")."""
    return _SEPARATORS.sub(" ", _DROPPED.sub("", text.lower())).strip()


def spelled(vocabulary: type[StrEnum]) -> BeforeValidator:
    """The validator that reads ``vocabulary``'s values as people type them: any case (``MID`` is ``mid``, in
    a JSON body as in a query, where app.edge.canonical folds it for the cache's key), spaces for
    underscores ("physician office") and its SYNONYMS; anything else is left as typed, for the enum to
    refuse."""
    words: dict[str, str] = {}
    for member in vocabulary:
        for word in (member.value, *SYNONYMS.get(vocabulary, {}).get(member.value, ())):
            words[word.lower()] = words[spelling(word)] = member.value
    known = words.get
    outside = OUTSIDE.get(vocabulary, {})
    outside_words = list(outside)

    def said_outside(typed: str) -> str | None:
        """What ``typed`` names outside the vocabulary, written as its words are or closely misspelt."""
        word = spelling(typed)
        return outside.get(word) or outside.get(nearest_spelling(word, outside_words, cutoff=0.85) or "")

    VOCABULARY_OUTSIDE[tuple(member.value for member in vocabulary)] = said_outside

    def read(value: Any) -> Any:
        """The vocabulary's value ``value`` names, else ``value`` itself."""
        if not isinstance(value, str):
            return value
        # The common case, a value as the API writes it in any case, is one lookup.
        found = known(value.lower())
        if found is None:
            found = known(spelling(value))
        return value if found is None else found

    return BeforeValidator(read)


class ProfileQuery(BaseModel):
    """A profile as query parameters: GET /estimate, the embed card and the fast path validate with it."""

    # Enum members are stored as their plain strings (the service, its memo keys and orjson see strings);
    # the enums are not strict in the JSON body either, where their values arrive as strings.
    model_config = ConfigDict(use_enum_values=True)

    occupation: Annotated[str, Prompt("Occupation (a job title or SOC code)")] = Field(
        default=DEFAULT_OCCUPATION,
        max_length=MAX_OCCUPATION_LENGTH,
        description=OCCUPATION + ". The experience method covers 29-2072 only; any other occupation gets its "
        "area's official 25th-75th percentile wages",
        examples=["29-2072"],
    )
    location: Annotated[str | None, Prompt("Location (ZIP, City, ST, state or metro)")] = LOCATION_FIELD
    years: Annotated[
        int | None,
        Prompt(
            "Years of experience", hint=f"0-{YEARS_MAX}", refused=f"Enter whole years, from 0 to {YEARS_MAX}."
        ),
    ] = Field(default=None, ge=0, le=YEARS_MAX, description=YEARS, examples=[5])
    level: Annotated[Level | None, Prompt("Or experience level"), spelled(Level)] = Field(
        default=None, strict=False, description=LEVEL
    )
    certifications: Annotated[str | None, Prompt("Certification", unknown="Not given (unknown)")] = Field(
        default=None, pattern=CERTS_PATTERN, max_length=CERTS_MAX_LENGTH, description=CERTS, examples=["CPC"]
    )
    education: Annotated[Education | None, Prompt("Education"), spelled(Education)] = Field(
        default=None, strict=False, description=EDUCATION
    )
    state: str | None = STATE_FIELD
    metro: str | None = METRO_FIELD
    setting: Annotated[Setting | None, Prompt("Setting"), spelled(Setting)] = Field(
        default=None, strict=False, description="Work setting (described in words only)"
    )
    specialty: Annotated[Specialty | None, Prompt("Specialty"), spelled(Specialty)] = Field(
        default=None, strict=False, description="Coding specialty"
    )
    hours_per_year: Annotated[
        int,
        Prompt(
            "Paid hours a year",
            hint=f"default {HOURS_DEFAULT}",
            refused=f"Enter whole hours a year, from 1 to {HOURS_MAX}.",
        ),
    ] = Field(default=HOURS_DEFAULT, ge=1, le=HOURS_MAX, description=HOURS)
    retirement_match_pct: Annotated[
        float | None,
        Prompt(
            "Retirement match, %",
            hint="optional",
            step="0.5",
            refused=f"Enter a percentage from 0 to {MATCH_MAX}.",
        ),
    ] = Field(default=None, ge=0, le=MATCH_MAX, description=MATCH)


def weekly_reading(hours_per_year: int) -> int | None:
    """The hours a year ``hours_per_year`` would be if it was meant a week (40 -> 2,080), when that is a
    number of hours the profile takes; None for a number that only makes sense a year."""
    yearly = hours_per_year * WEEKS_PER_YEAR
    return yearly if yearly <= HOURS_MAX else None


PROFILE_FIELDS: tuple[str, ...] = tuple(ProfileQuery.model_fields)
# The inputs only the article's experience method uses: for another occupation they are refused (422).
ARTICLE_METHOD_FIELDS = ("years", "level", "certifications", "education", "setting", "specialty")
# The inputs a comparison with an area's published percentiles (the badge) leaves out: the method's and the
# retirement match (the hours always have a value, so they are never reported as left out).
ESTIMATE_ONLY_FIELDS = (*ARTICLE_METHOD_FIELDS, "retirement_match_pct")
# The two ways to give experience: each is valid alone, and together they must name the same band.
EXPERIENCE_FIELDS = ("years", "level")
# The JSON body's example profiles: the first alone (POST /estimate), both as a list (POST /estimate/batch).
BODY_EXAMPLES = ({"years": 4, "certifications": ["CPC"], "location": "Newark, NJ"}, {"level": "entry"})
# The order a person reads a profile in: the explorer's form and a card's line of details.
READING_ORDER = (
    "occupation",
    "location",
    "years",
    "level",
    "certifications",
    "education",
    "specialty",
    "setting",
    "hours_per_year",
    "retirement_match_pct",
)

# The fields whose values are a fixed vocabulary (the level aside: the data name its bands), in reading order.
VOCABULARIES: dict[str, type[StrEnum]] = {"education": Education, "specialty": Specialty, "setting": Setting}


def _prompt(name: str) -> Prompt:
    """A field's Prompt with the bounds its validation declares."""
    metadata = ProfileQuery.model_fields[name].metadata
    prompt = next(m for m in metadata if isinstance(m, Prompt))
    low = next((float(m.ge) for m in metadata if isinstance(m, Ge)), None)  # type: ignore[arg-type]
    high = next((float(m.le) for m in metadata if isinstance(m, Le)), None)  # type: ignore[arg-type]
    return replace(prompt, low=low, high=high)


# Every field a form asks for, in reading order.
PROMPTS: dict[str, Prompt] = {name: _prompt(name) for name in READING_ORDER}


CertificationsBody = (
    Annotated[str, Field(pattern=CERTS_PATTERN)]
    | Annotated[
        list[Annotated[str, Field(pattern=CERT_CODE_PATTERN)]],
        Field(min_length=1, max_length=CERTS_MAX_ENTRIES),
    ]
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


# The profile as an answer echoes it: the fields of ProfileQuery, each always present, with the codes they
# were read as. Only where the echo differs from what was asked does it say more.
_ECHOED_AS: dict[str, tuple[Any, str]] = {
    "occupation": (str, "SOC code of the occupation understood"),
    "location": (str | None, "The location as given"),
    "certifications": (list[str] | None, "Certification codes given; ['none'] for none"),
    "state": (str | None, "USPS code of the state given"),
    "metro": (str | None, "Code of the metro given"),
}
ProfileEcho = create_model(  # type: ignore[call-overload]
    "Profile",
    **{
        name: (
            _ECHOED_AS[name][0] if name in _ECHOED_AS else field.annotation,
            Field(description=_ECHOED_AS[name][1] if name in _ECHOED_AS else field.description),
        )
        for name, field in ProfileQuery.model_fields.items()
    },
)


def choices(snapshot: Snapshot) -> dict[str, list[dict[str, str]]]:
    """The options of each field a form offers as a list, labelled in words: the experience levels and
    certifications the data hold, and each vocabulary's values ('physician office')."""
    levels = [
        {
            "code": e["key"],
            "label": f"{e['name']} ({e['years_min']}"
            + (f"\u2013{e['years_max']}" if e["years_max"] is not None else "+")
            + " years)",
        }
        for e in snapshot.experience
    ]
    certifications = [
        {"code": "none", "label": "None (not certified)"},
        *({"code": c["code"], "label": f"{c['code']} \u2013 {c['name']}"} for c in snapshot.certifications),
    ]
    return {
        "level": levels,
        "certifications": certifications,
        **{
            name: [{"code": v.value, "label": v.value.replace("_", " ")} for v in vocabulary]
            for name, vocabulary in VOCABULARIES.items()
        },
    }


def details_in_words(echo: Mapping[str, Any]) -> list[str]:
    """An answer's profile past its experience and place, in words: its certification (or that none was
    given), education, specialty and setting when given, and its hours when not the default."""
    certs = echo.get("certifications")
    if certs is None:
        parts = ["certification not given"]
    elif certs == ["none"]:
        parts = ["not certified"]
    else:
        parts = [", ".join(certs)]
    for name in VOCABULARIES:
        if echo.get(name):
            parts.append(f"{name}: {str(echo[name]).replace('_', ' ')}")
    if echo.get("hours_per_year") not in (None, HOURS_DEFAULT):
        parts.append(f"{echo['hours_per_year']} hours a year")
    return parts


def given_fields(profile: ProfileQuery) -> list[tuple[str, str]]:
    """(name, value) of each field a profile gives, in order: what is unset or at its default is left out."""
    return [
        (name, str(value))
        for name, field in ProfileQuery.model_fields.items()
        if (value := getattr(profile, name)) is not None and value != field.default
    ]
