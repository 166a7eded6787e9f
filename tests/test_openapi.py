"""The published contract (openapi.json) is what the app serves, and it holds the rules of issue 12 for every
operation, including routes added later: a name, tags, declared errors in the real shape, an example,
typed fields, one representation per 200."""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli import cli

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))
ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}
# The closed vocabularies named in issue 12, each one component.
VOCABULARIES = {
    "Level": {"entry", "mid", "senior"},
    "Education": {"certificate", "associate", "bachelor"},
    "Setting": {"hospital", "physician_office", "billing_company", "government", "freelance"},
    "Specialty": {"outpatient", "inpatient", "surgical", "auditing", "risk_adjustment"},
    "Tier": {"above_national", "at_national", "below_national", "top_paying", "lower_paying"},
    "TierBasis": {"computed", "article_claim"},
    "AreaType": {"national", "state", "territory", "metro", "nonmetro"},
}


def operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in COMMITTED["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


OPERATIONS = list(operations())
IDS = [f"{m.upper()} {p}" for p, m, _ in OPERATIONS]


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def test_the_committed_contract_is_the_apps(client: TestClient) -> None:
    """A contract change is a reviewed diff: run `salary-api openapi` and commit openapi.json."""
    result = CliRunner().invoke(cli, ["openapi", "--check", str(ROOT / "openapi.json")])
    assert result.exit_code == 0, result.output
    assert "is current" in result.output
    assert client.get("/openapi.json").json() == COMMITTED


def test_info_servers_and_security_scheme() -> None:
    info = COMMITTED["info"]
    assert info["description"] and info["license"]["name"] and info["contact"]["url"]
    assert COMMITTED["servers"]
    assert COMMITTED["components"]["securitySchemes"]["adminToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "The admin token (SALARY_API_ADMIN_TOKEN) as a bearer token",
    }


def test_operation_ids_are_unique_camel_case() -> None:
    ids = [op["operationId"] for _, _, op in OPERATIONS]
    assert len(ids) == len(set(ids))
    for name in ids:
        assert re.fullmatch(r"(get|list|estimate|refresh|export)(?:[A-Z][a-z0-9]*)*", name), name
    assert {"listStates", "getState", "getEstimate", "estimate", "estimateBatch", "listStatesCsv"} <= set(ids)


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=IDS)
def test_every_operation_follows_the_rules(path: str, method: str, operation: dict[str, Any]) -> None:
    assert operation["tags"] and operation["summary"]
    responses = operation["responses"]
    # Errors: declared in the one error shape, at least an invalid query and the rate limit.
    errors = {code: r for code, r in responses.items() if code[0] in "45"}
    assert {"400", "429"} <= set(errors)
    for response in errors.values():
        assert response["content"]["application/json"] == {"schema": ERROR_REF}
        # An HTML card may answer its reader with an HTML error too; nothing else.
        assert set(response["content"]) <= {"application/json", "text/html"}
    if operation.get("parameters") or operation.get("requestBody"):
        assert "422" in errors
    if method != "get":
        assert "304" not in responses
    # One representation per 200.
    assert len(responses["200"]["content"]) == 1 or path == "/export"
    assert "text/html" not in responses["400"]["content"] or "text/html" in responses["200"]["content"]
    # Security: admin routes need the token, every other route says it needs none.
    assert operation["security"] == ([{"adminToken": []}] if path.startswith("/admin/") else [])
    # At least one example: a parameter's, the body's or the response's.
    assert '"example' in json.dumps(operation), "no example"


def test_no_validation_error_schema_or_untyped_field() -> None:
    schemas = COMMITTED["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    # One model per name: no module-qualified duplicates (app__x__schemas__Name).
    assert not [name for name in schemas if "__" in name]
    typed = {"type", "$ref", "anyOf", "oneOf", "allOf", "enum", "const"}
    for name, schema in schemas.items():
        for prop_name, prop in schema.get("properties", {}).items():
            assert typed & set(prop), f"{name}.{prop_name} is untyped"
        extra = schema.get("additionalProperties")
        assert extra in (None, False) or typed & set(extra), f"{name} has untyped additional properties"
    for _, _, operation in OPERATIONS:
        for parameter in operation.get("parameters", []):
            assert typed & set(parameter["schema"]), parameter["name"]


def test_numeric_filters_are_numbers() -> None:
    parameters = {p["name"]: p for p in COMMITTED["paths"]["/states"]["get"]["parameters"]}
    bounds = [name for name in parameters if name.startswith(("min_", "max_"))]
    assert len(bounds) == 12
    for name in bounds:
        assert parameters[name]["schema"]["anyOf"][0]["type"] == "number"


def test_each_vocabulary_is_one_named_enum_used_everywhere() -> None:
    schemas = COMMITTED["components"]["schemas"]
    for name, values in VOCABULARIES.items():
        assert set(schemas[name]["enum"]) == values
    assert set(schemas["ErrorDetail"]["properties"]["type"]["$ref"].split("/")[-1:]) == {"ErrorType"}
    # Every enumeration is a named component: no inline enum anywhere else in the document.
    components = {id(s) for s in schemas.values()}
    for node in walk(COMMITTED):
        if "enum" in node:
            assert id(node) in components, node


def test_most_properties_are_described() -> None:
    props = [p for s in COMMITTED["components"]["schemas"].values() for p in s.get("properties", {}).values()]
    described = sum(1 for p in props if p.get("description"))
    assert described / len(props) >= 0.8


def test_error_types_sent_are_in_the_enum(client: TestClient) -> None:
    enum = set(COMMITTED["components"]["schemas"]["ErrorType"]["enum"])
    for path in ("/states?colour=red", "/states?sort=salary", "/states/ZZ", "/nowhere", "/admin/refresh"):
        assert client.get(path).json()["error"]["type"] in enum


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/estimate", "GET, HEAD, POST, OPTIONS"),
        ("/states", "GET, HEAD, OPTIONS"),
        ("/openapi.json", "GET, HEAD, OPTIONS"),
        ("/docs/assets/swagger-ui.css", "GET, HEAD, OPTIONS"),
    ],
)
def test_options_and_405_name_every_method_of_the_path(client: TestClient, path: str, allow: str) -> None:
    r = client.options(path)
    assert r.status_code == 204 and r.headers["allow"] == allow and r.content == b""
    r = client.delete(path)
    assert r.status_code == 405 and r.headers["allow"] == allow
    assert r.json()["error"] == {
        "status": 405,
        "type": "method_not_allowed",
        "message": f"Method DELETE is not allowed on {path}. Allowed: {allow}.",
        "details": [],
        "request_id": r.headers["x-request-id"],
    }


@pytest.mark.parametrize("path", ["/openapi.json", "/docs", "/redoc"])
def test_the_contract_refuses_a_query_parameter_as_every_route_does(client: TestClient, path: str) -> None:
    r = client.get(f"{path}?v=2")
    assert r.status_code == 400 and r.json()["error"] == {
        "status": 400,
        "type": "invalid_query",
        "message": "Unknown query parameter 'v'. Allowed parameters here: none.",
        "details": [{"parameter": "v", "allowed": []}],
        "request_id": r.headers["x-request-id"],
    }


def test_options_where_no_route_is_a_404(client: TestClient) -> None:
    r = client.options("/nowhere")
    assert r.status_code == 404 and r.json()["error"]["type"] == "not_found"


def test_csv_is_its_own_operation_and_the_json_paths_still_answer_csv(client: TestClient) -> None:
    twin = client.get("/states.csv?sort=code")
    assert twin.status_code == 200 and twin.headers["content-type"].startswith("text/csv")
    assert twin.text.splitlines()[0].startswith("code,name,area_type")
    assert client.get("/states?sort=code&format=csv").text == twin.text
    assert client.get("/states?sort=code", headers={"Accept": "text/csv"}).text == twin.text
    # The twin takes the list's filters but no paging.
    assert client.get("/states.csv?limit=1").status_code == 400


def test_fields_projection_is_declared(client: TestClient) -> None:
    items = COMMITTED["components"]["schemas"]["AreaPage"]["properties"]["items"]["items"]["anyOf"]
    assert {"$ref": "#/components/schemas/AreaFields"} in items
    # Identity always comes back, non-null, whatever fields= asks for; the rest only when asked for.
    fields = COMMITTED["components"]["schemas"]["AreaFields"]
    assert fields["required"] == ["code", "name", "area_type"]
    assert fields["properties"]["code"]["type"] == fields["properties"]["name"]["type"] == "string"
    assert fields["properties"]["area_type"]["$ref"] == "#/components/schemas/AreaType"
    body = client.get("/states?fields=median&limit=1&sort=code").json()
    assert set(body["items"][0]) == {"code", "name", "area_type", "median"}
    assert body["items"][0]["code"] == "AK" and body["items"][0]["area_type"] == "state"


def _example_path(path: str, operation: dict[str, Any]) -> str:
    """A concrete path for an operation's template: each path parameter's example."""
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            examples = parameter.get("examples") or parameter["schema"]["examples"]
            path = path.replace("{" + parameter["name"] + "}", str(examples[0]))
    return path


GET_OPERATIONS = [(p, op) for p, m, op in OPERATIONS if m == "get"]


@pytest.mark.parametrize(("path", "operation"), GET_OPERATIONS, ids=[p for p, _ in GET_OPERATIONS])
@pytest.mark.parametrize("accept", [None, "text/html", "application/json"])
def test_error_media_types_are_the_ones_sent(
    client: TestClient, path: str, operation: dict[str, Any], accept: str | None
) -> None:
    """An unknown parameter (400) answers in a media type the contract declares for 400, for a browser, a
    JSON client and one that says nothing."""
    headers = {"Accept": accept} if accept else {}
    r = client.get(_example_path(path, operation), params={"colour": "red"}, headers=headers)
    assert r.status_code == 400
    media = r.headers["content-type"].split(";")[0]
    assert media in operation["responses"]["400"]["content"]


def test_edge_errors_are_declared_as_json_only() -> None:
    """429 (and 413/408 where a body is taken) come from the edge, in JSON, even on the HTML cards."""
    for path, _, operation in OPERATIONS:
        for code in ("408", "413", "429"):
            if code in operation["responses"]:
                assert list(operation["responses"][code]["content"]) == ["application/json"], (path, code)
    card = COMMITTED["paths"]["/embed/wage-range"]["get"]["responses"]
    assert set(card["404"]["content"]) == {"application/json", "text/html"}


def test_the_estimate_echoes_every_profile_parameter_in_order() -> None:
    """The answer's profile is the profile asked: the GET parameters, the JSON body's fields and the echo's
    properties are the same names in the same order, and each echoed property says what it holds."""
    asked = [p["name"] for p in COMMITTED["paths"]["/estimate"]["get"]["parameters"]]
    schemas = COMMITTED["components"]["schemas"]
    assert list(schemas["EstimateRequest"]["properties"]) == asked
    echo = schemas["Profile"]
    assert list(echo["properties"]) == asked and echo["required"] == asked
    assert all(prop.get("description") for prop in echo["properties"].values())
