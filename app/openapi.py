"""The published contract: operation names, CSV twins of the lists, declared errors, security, examples
and descriptions. ``openapi.json`` at the repository root is this document, committed
(``salary-api openapi`` rewrites it; a test fails when the two differ)."""

import json
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response
from fastapi.routing import APIRoute

from app.domain.profile import EXPERIENCE_FIELDS
from app.query import reject_any_params
from app.route_facts import DEFAULT as DEFAULT_FACTS
from app.route_facts import RouteFacts, facts_of, routes_with_paths

DESCRIPTION = """\
Wage percentiles, state and metro wages, pay by experience and explainable salary estimates for \
Medical Records Specialists (medical billing and coding, SOC 29-2072). Every figure names its source, \
release and citation; values computed here (for example hourly = annual / 2080) are marked derived.

* Lists are JSON pages (`limit`, `offset`, `next`); the same list as CSV is its own operation at the \
list's path plus `.csv`.
* Every error, whatever its status, has one shape: `{"error": {"status", "type", "message", "details"}}`.
* Unknown or repeated query parameters are rejected (400). An optional parameter given with an empty \
value (`years=`, as an HTML form sends a field left blank) is not given (`allowEmptyValue`).
* GET responses carry a strong `ETag`; send `If-None-Match` to get a 304, and `If-Match` to get a 412 \
unless a tag it lists is still the answer's (strong comparison).
"""
LICENSE = {"name": "MIT", "identifier": "MIT"}
CONTACT = {"name": "Salary API maintainers", "url": "https://salary-api.example.org"}
SERVERS = [{"url": "/", "description": "This server"}]
BEARER = "adminToken"
JSON = "application/json"

# Route function names that would not read well as operationIds.
OPERATION_NAMES = {
    "healthz": "getHealth",
    "readyz": "getReadiness",
    "refresh": "refreshData",
    "export": "exportData",
    "wage_range_card": "getWageRangeCard",
    "wage_range_method": "getWageRangeMethod",
    "careers_card": "getCareersCard",
    "embed_js": "getEmbedScript",
    "percentiles_chart": "getPercentilesChart",
    "states_chart": "getStatesChart",
    "explorer_page": "getExplorer",
    "explorer_js": "getExplorerScript",
    "occupation_jsonld": "getOccupationJsonLd",
}


def operation_id(route: APIRoute) -> str:
    """camelCase of the route function's name (``list_states`` -> ``listStates``), or its chosen name."""
    if route.name in OPERATION_NAMES:
        return OPERATION_NAMES[route.name]
    head, *rest = route.name.split("_")
    return head + "".join(part.capitalize() for part in rest)


# Descriptions of properties that recur across the response models, by name; a model's own description wins.
GLOSSARY = {
    "code": "Identifier: USPS code of a state, CBSA code of a metro, or the certification's code",
    "name": "Person-readable name",
    "key": "Stable identifier (use it in query parameters)",
    "label": "Person-readable label",
    "title": "Title as the source gives it",
    "area_type": "Kind of area",
    "type": "Kind of area",
    "source": "Key of the source (see /sources)",
    "sources": "The sources behind the releases",
    "release": "Key of the data release the figure comes from (see /sources)",
    "releases": "The data releases behind the response",
    "citation": "The sentence or file row the figure was taken from",
    "data_version": "Version of the loaded data; changes whenever an import or seed changes them",
    "publisher": "Who publishes the source",
    "kind": "Kind of item",
    "period": "The period the figures describe, as the source states it",
    "url": "Where the source can be read",
    "via": "The article that quoted the figures, if they were not imported",
    "origin": "How the release entered the database: seed (quoted) or import (official file)",
    "occupation": "The occupation the figures are for",
    "soc_code": "Standard Occupational Classification code",
    "aliases": "Other job titles for the occupation",
    "total": "Items matching the query, over all pages",
    "limit": "Page size used",
    "offset": "Items skipped before this page",
    "next": "Path and query of the next page; null on the last page",
    "items": "The items of this page",
    "item": "The requested item",
    "hourly": "USD per hour",
    "annual": "USD per year",
    "low": "Low end, USD",
    "mid": "Middle, USD",
    "high": "High end, USD",
    "open_top": "True when the high end is open (where '$45.00+' starts), not a maximum",
    "hourly_low": "Low end, USD per hour",
    "hourly_mid": "Middle, USD per hour",
    "hourly_high": "High end, USD per hour",
    "annual_low": "Low end, USD per year",
    "annual_mid": "Middle, USD per year",
    "annual_high": "High end, USD per year",
    "hourly_derived": "True when hourly was computed as annual / 2080, not published",
    "annual_derived": "True when annual was computed as hourly x 2080, not published",
    "annual_capped": "True when the value is BLS's top code: the wage is at or above it",
    "derived": "True when the figure was computed here, not published",
    "p10": "10th percentile",
    "p25": "25th percentile",
    "median": "Median (50th percentile)",
    "p75": "75th percentile",
    "p90": "90th percentile",
    "mean": "Mean (average)",
    "percentiles": "Percentile wages",
    "wages": "Wage statistics of the area, each a figure with its citation",
    "employment": "Employment in the area, as the release gives it",
    "employment_rse": "Relative standard error of the employment estimate, percent",
    "jobs_per_1000": "Jobs in the occupation per 1,000 jobs in the area",
    "location_quotient": "The occupation's share of the area's jobs relative to its national share",
    "mean_wage_rse": "Relative standard error of the mean wage, percent",
    "pct_total": "Percent of the industry's total employment",
    "pct_reporting": "Percent of establishments reporting",
    "rank": "The article's rank (its claim), only where its release is served",
    "tier": "Where the area's median stands against the national one in the served release "
    "(above_national, at_national, below_national), or the article's claim (top_paying, lower_paying) where "
    "its release is served",
    "tier_basis": "computed (from the release's figures) or article_claim (the article's words)",
    "tier_citation": "The article's sentence placing the area in its tier",
    "tier_release": "Key of the release the tier comes from",
    "rank_median": "Rank by median among areas of its kind in the same release; ties share a rank",
    "rank_mean": "Rank by mean among areas of its kind in the same release; ties share a rank",
    "vs_national": "Difference from the national figures of the same release (derived)",
    "usps": "USPS code (states)",
    "fips": "FIPS code (states)",
    "metros": "Metro areas lying in the state",
    "principal_states": "USPS codes of the states the metro lies in",
    "area": "The area the figures describe",
    "note": "Why figures are null, when they are",
    "as_of": "The period the source gives, or null when it gives none",
    "job_title": "The job title the source reports",
    "statistic": "Which statistic the figure is (median, average, ...)",
    "unit": "The unit the source published: hourly or annual",
    "years_min": "Fewest years of experience in the level",
    "years_max": "Most years of experience in the level; null for the open-ended top level",
    "characteristics": "What the source says characterises the level",
    "issuer": "The issuing body; null where the source does not name it",
    "covers": "What the certification covers, as the source says",
    "file_name": "Name of the imported file",
    "checksum": "SHA-256 of the imported file",
    "row_count": "Rows in the imported file",
    "rows_loaded": "Rows loaded from it",
    "loaded_at": "When the release was loaded (ISO 8601)",
    "matched": "With q: the title, alias or SOC code that matched",
    "factor": "The profile input or pay factor concerned",
    "value": "The value as the source states it",
    "compared_to": "What the factor is compared with",
    "pct_low": "Low percent the source gives",
    "pct_high": "High percent the source gives",
    "amount_low": "Low amount the source gives",
    "amount_high": "High amount the source gives",
    "amount_unit": "Unit of the amounts",
    "amount_open": "True when the amount's top is open-ended",
    "description": "What the source says",
    "level": "The experience level (band)",
    "profile": "The profile as understood (codes normalised)",
    "base": "The base range before adjustments",
    "adjustments": "Multipliers applied to the base, each with its source",
    "notes": "Inputs described only in words or not applicable here",
    "total_compensation": "Base pay plus the components the sources quantify",
    "components": "Additional pay and retirement match, each with its source",
    "progression": "The range at each experience level, for the same profile",
    "explanation": "How the multiplier was computed, in words",
    "message": "Person-readable explanation",
    "label_": "Person-readable label",
    "component": "additional_pay or retirement_match",
    "status": "Status",
    "database": "Database state",
    "reloaded": "True when new data were loaded",
    "error": "The error",
    "details": "Machine-readable specifics: the parameter, the value and what is allowed",
    "parameter": "The query parameter or body field concerned",
    "problem": "What is wrong with it",
    "allowed": "The values that would be accepted",
}

ERROR_DESCRIPTIONS = {
    "400": "Invalid query: an unknown or repeated parameter",
    "401": "Missing or wrong admin token",
    "403": "Admin endpoints disabled (no token configured)",
    "404": "Not found: the occupation, release, place or code named is none we hold (the message suggests "
    "the nearest), or it has no such figures",
    "408": "The request body was not received in time",
    "412": "Precondition failed: no entity tag If-Match lists is the answer's current ETag",
    "413": "Request body too large",
    "415": "The body is not marked as JSON (send Content-Type: application/json) or is compressed (send it "
    "without Content-Encoding)",
    "422": "Invalid input: a value outside the schema, or values that contradict each other",
    "429": "Rate limit exceeded; see Retry-After",
    "503": "Data not available (database unreachable or not seeded), or the request took too long",
}
ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}
# Statuses the edge answers (app/edge/) before any route runs, or in place of its answer (412): always the
# JSON error, whatever the route's own errors look like (an HTML card's).
EDGE_STATUSES = frozenset({"408", "412", "413", "429"})
# Inputs that are valid one by one but can refuse together, which a schema cannot express: a place or title
# that could mean several things (type ambiguous, with candidates), or values that contradict each other
# (the two ways to give experience; a metro outside the state; a location that disagrees with state or
# metro; low above high). An operation taking any of them, or a JSON body, declares that 422.
CONFLICTING_PARAMETERS = frozenset(
    {
        "location",
        "state",
        "metro",
        "occupation",
        *EXPERIENCE_FIELDS,
        "low",
        "high",
        "compare_low",
        "compare_high",
    }
)
CONFLICTS = (
    f"; 422 also when inputs contradict each other ({' and '.join(EXPERIENCE_FIELDS)}, a metro outside the "
    "state, a location that disagrees with state or metro) or when a place or title could mean several "
    "things (type ambiguous: `candidates` lists them, best first)"
)


def conflict_operations(doc: dict[str, Any]) -> frozenset[str]:
    """The operations of ``doc`` that may refuse schema-valid input with a 422 (CONFLICTING_PARAMETERS)."""
    return frozenset(
        operation["operationId"]
        for item in doc["paths"].values()
        for operation in item.values()
        if operation.get("requestBody")
        or any(p["name"] in CONFLICTING_PARAMETERS for p in operation.get("parameters", []))
    )


OPERATION_EXAMPLES: dict[str, tuple[str, Any]] = {
    "getHealth": (JSON, {"status": "ok"}),
    "getReadiness": (JSON, {"status": "ready", "data_version": 3, "database": "ok"}),
    "refreshData": (JSON, {"reloaded": True, "data_version": 4}),
    "getEmbedScript": ("text/javascript", "(function () { /* fills every <div data-wage-range> */ })();"),
    "getExplorerScript": ("text/javascript", "(function () { /* updates the explorer in place */ })();"),
}


def _errors_for(method: str, operation: dict[str, Any], facts: RouteFacts) -> list[str]:
    """The statuses this operation can answer besides 200, by what it takes, reads and requires (a token)."""
    codes = ["400", "429", "503"]
    takes_input = bool(operation.get("parameters") or operation.get("requestBody"))
    if takes_input:
        codes.append("422")
    if operation.get("security"):
        codes += ["401", "403"]
    if facts.may_miss:
        codes.append("404")
    if method == "get" and facts.revalidates:
        codes.append("412")
    if method == "post":
        codes.append("413")
    if operation.get("requestBody"):
        codes.append("408")
    if "application/json" in operation.get("requestBody", {}).get("content", {}):
        codes.append("415")
    return sorted(codes)


def _describe(schemas: dict[str, Any]) -> None:
    for schema in schemas.values():
        for name, prop in schema.get("properties", {}).items():
            if "description" not in prop and name in GLOSSARY:
                prop["description"] = GLOSSARY[name]


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document of ``app``, as committed in openapi.json."""
    doc = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=DESCRIPTION,
        routes=app.routes,
        license_info=LICENSE,
        contact=CONTACT,
        servers=SERVERS,
        tags=[
            {"name": "wages", "description": "Percentiles, states, metros and other sources' benchmarks"},
            {"name": "trends", "description": "An area's figures over every release held, and their change"},
            {"name": "estimate", "description": "Explainable estimates for a profile"},
            {"name": "reference", "description": "Experience levels, pay factors, certifications, sources"},
            {"name": "csv", "description": "The lists as CSV"},
            {"name": "charts", "description": "SVG charts"},
            {"name": "embed", "description": "The embeddable wage-range card"},
            {"name": "explorer", "description": "The explorer page"},
            {"name": "export", "description": "The whole dataset as one file"},
            {"name": "health", "description": "Liveness and readiness probes"},
            {"name": "admin", "description": "Operations that need the admin token"},
        ],
    )
    schemas = doc["components"]["schemas"]
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    conflicting = conflict_operations(doc)
    declared = {
        (path, method.lower()): facts_of(route)
        for path, methods, route in routes_with_paths(app.routes)
        for method in methods
    }
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            facts = declared.get((path, method), DEFAULT_FACTS)
            if method != "get" or not facts.revalidates:
                responses.pop("304", None)
            else:
                responses["304"] = {"description": "Not Modified: the If-None-Match ETag still matches"}
            # Another representation a route declares for its errors (an HTML card's) stays beside the JSON;
            # FastAPI's copy of the error model under an HTML route's media type does not (those are JSON).
            other_media: dict[str, Any] = {}
            for code in list(responses):
                if code.startswith(("4", "5")):
                    for media, content in responses[code].get("content", {}).items():
                        if media != JSON and content.get("schema") != ERROR_REF:
                            other_media[media] = content
                    del responses[code]
            for code in _errors_for(method, operation, facts):
                text = ERROR_DESCRIPTIONS[code]
                if code == "422" and operation["operationId"] in conflicting:
                    text += CONFLICTS
                responses[code] = {
                    "description": text,
                    "content": {
                        JSON: {"schema": ERROR_REF},
                        **({} if code in EDGE_STATUSES else other_media),
                    },
                }
            # EmptyValuesAbsent (app/query.py): an empty value is the parameter not given; a required one
            # given empty is refused.
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
            operation.setdefault("security", [])
            if operation["operationId"] in OPERATION_EXAMPLES:
                media, example = OPERATION_EXAMPLES[operation["operationId"]]
                responses["200"]["content"][media]["example"] = example
    _describe(schemas)
    schemas["ErrorResponse"].setdefault("description", "The one error shape of every 4xx and 5xx")
    return doc


CONTRACT_PATH = "/openapi.json"


def install(app: FastAPI) -> None:
    """Serve ``build_openapi(app)`` at /openapi.json: built once (``warm`` builds it at start-up) and sent
    as the same bytes every time (the app is created with ``openapi_url=None``); the edge's cache gives
    it its ETag."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    served: list[Response] = []

    async def contract(request: Request) -> Response:
        """The contract as JSON; it takes no query parameters, and refuses them as every route does."""
        reject_any_params(request)
        if not served:
            served.append(contract_response(openapi()))
        return served[0]

    app.state.contract_responses = served
    app.add_route(CONTRACT_PATH, contract, methods=["GET"], include_in_schema=False)


def contract_response(doc: dict[str, Any]) -> Response:
    """The contract's answer, serialised once."""
    return Response(orjson.dumps(doc), media_type=JSON)


def warm(app: FastAPI) -> None:
    """Build the contract and its bytes now (at start-up), so its first request costs what any other does."""
    served = app.state.contract_responses
    if not served:
        served.append(contract_response(app.openapi()))


def render(doc: dict[str, Any]) -> str:
    """The committed text of a contract: indented JSON, keys in the document's order, newline-terminated."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
