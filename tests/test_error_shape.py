"""Every kind of error leaves in the same JSON shape, with a human message and no internals."""

from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

CASES = [
    ("/no/such/path", 404, "not_found"),
    ("/states?unknown=1", 400, "invalid_query"),
    ("/states?sort=bogus", 422, "invalid_input"),
    ("/states?limit=1&limit=2", 400, "invalid_query"),
    ("/states?limit=0", 422, "invalid_input"),
    ("/states?limit=1000000000", 422, "invalid_input"),
    ("/states?limit=abc", 422, "invalid_input"),
    ("/states?offset=-1", 422, "invalid_input"),
    ("/states?format=xml", 422, "invalid_input"),
    ("/states?occupation=bogus", 404, "not_found"),
    ("/states/ZZ", 404, "not_found"),
    ("/states/TX?release=bls-oews-2023-05-article", 404, "not_found"),
    ("/percentiles?state=TX&release=bls-oews-2023-05-article", 404, "not_found"),
    ("/charts/percentiles.svg?metro=21300", 404, "not_found"),
    ("/percentiles?state=ZZ", 404, "not_found"),
    ("/percentiles?state=Z1", 404, "not_found"),
    ("/percentiles?state=CA&metro=45940", 422, "invalid_input"),
    ("/percentiles?location=Springfield", 422, "ambiguous"),
    ("/percentiles?occupation=29-2071", 422, "ambiguous"),
    ("/experience?years=-1", 422, "invalid_input"),
    ("/experience?years=NaN", 422, "invalid_input"),
    ("/experience?years=1e309", 422, "invalid_input"),
    ("/metros/00000", 404, "not_found"),
    ("/states?sort=" + "x" * 10_000, 422, "invalid_input"),
    ("/states?sort=name;DROP%20TABLE%20area", 422, "invalid_input"),
    ("/states/%00", 404, "not_found"),
]


def assert_error_shape(resp, status: int, error_type: str, sent: str = "") -> None:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"error"}
    err = body["error"]
    # An ambiguous input lists what it could mean; every other error has no candidates.
    keys = {"status", "type", "message", "details", "request_id"}
    assert set(err) == (keys | {"candidates"} if error_type == "ambiguous" else keys)
    assert err["status"] == status and err["type"] == error_type
    assert err["request_id"] == resp.headers["x-request-id"]  # the id the request's log lines carry
    assert isinstance(err["message"], str) and 10 < len(err["message"]) < 2000
    assert isinstance(err["details"], list)
    for leak in ("Traceback", 'File "', "sqlalchemy", "psycopg", "SELECT ", "/work/", ".py"):
        if leak not in unquote(sent):  # echoing the caller's own (truncated) input is fine
            assert leak not in resp.text


@pytest.mark.parametrize(("path", "status", "error_type"), CASES)
def test_error_shape(client: TestClient, path: str, status: int, error_type: str):
    assert_error_shape(client.get(path), status, error_type)


def test_method_not_allowed_shape(client: TestClient):
    assert_error_shape(client.delete("/states"), 405, "method_not_allowed")


def test_unknown_parameter_message_lists_allowed(client: TestClient):
    err = client.get("/states?colour=red").json()["error"]
    assert "'colour'" in err["message"] and "sort" in err["message"] and "limit" in err["message"]


def test_sort_message_lists_allowed_fields(client: TestClient):
    err = client.get("/states?sort=salary").json()["error"]
    assert err["details"][0]["parameter"] == "sort"
    assert "salary" in err["message"] and "median" in err["message"]
    for name in ("name", "code", "mean", "median", "p10", "p25", "p75", "p90"):
        assert name in err["details"][0]["allowed"]


@pytest.mark.parametrize("path", ["/estimate", "/estimate/batch"])
@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_a_body_not_marked_as_json_is_told_what_to_send(
    client: TestClient, path: str, content_type: str | None
):
    headers = {"Content-Type": content_type} if content_type else {}
    r = client.post(path, content=b'{"years": 4}', headers=headers)
    assert_error_shape(r, 415, "unsupported_media_type")
    assert "Content-Type: application/json" in r.json()["error"]["message"]


@pytest.mark.parametrize(
    ("path", "named"),
    [
        ("/percentiles?occupation=" + "x" * 200, "occupation"),
        ("/estimate?years=51", "years=51"),
        ("/estimate?certifications=", "certifications"),
        ("/estimate?level=seniro", "did you mean senior?"),
        ("/states?sort=salary", "sort=salary"),
        ("/states?fields=code,salary", "fields=code,salary"),
        ("/embed/wage-range?brand=zz", "brand=zz"),
        ("/compare?low=abc&high=2", "low=abc"),
        ("/states?format=xml", "json or csv"),
    ],
)
def test_refusals_name_what_was_typed_in_plain_words(client: TestClient, path: str, named: str):
    r = client.get(path, headers={"Accept": "application/json"})
    message = r.json()["error"]["message"]
    assert r.status_code == 422 and named in message
    # No validator vocabulary and no regular expression reaches a user.
    for jargon in ("String should", "Input should", "pattern", "^", "\\d", "[A-Za-z"):
        assert jargon not in message and jargon not in str(r.json()["error"]["details"])
