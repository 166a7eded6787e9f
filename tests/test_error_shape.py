"""Every kind of error leaves in the same JSON shape, with a human message and no internals."""

from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

CASES = [
    ("/no/such/path", 404, "not_found"),
    ("/states?unknown=1", 400, "invalid_query"),
    ("/states?sort=bogus", 400, "invalid_query"),
    ("/states?sort=name,name", 400, "invalid_query"),
    ("/states?limit=1&limit=2", 400, "invalid_query"),
    ("/states?limit=0", 422, "invalid_input"),
    ("/states?limit=1000000000", 422, "invalid_input"),
    ("/states?limit=abc", 422, "invalid_input"),
    ("/states?offset=-1", 422, "invalid_input"),
    ("/states?format=xml", 422, "invalid_input"),
    ("/states?occupation=bogus", 422, "invalid_input"),
    ("/states/ZZ", 404, "not_found"),
    ("/states/TX?release=bls-oews-2023-05-article", 404, "not_found"),
    ("/percentiles?state=TX&release=bls-oews-2023-05-article", 404, "not_found"),
    ("/charts/percentiles.svg?metro=21300", 404, "not_found"),
    ("/percentiles?state=ZZ", 422, "invalid_input"),
    ("/percentiles?state=NJ&metro=45940", 422, "invalid_input"),
    ("/experience?years=-1", 422, "invalid_input"),
    ("/experience?years=NaN", 422, "invalid_input"),
    ("/experience?years=1e309", 422, "invalid_input"),
    ("/metros/00000", 404, "not_found"),
    ("/states?sort=" + "x" * 10_000, 422, "invalid_input"),
    ("/states?sort=name;DROP%20TABLE%20area", 400, "invalid_query"),
    ("/states/%00", 404, "not_found"),
]


def assert_error_shape(resp, status: int, error_type: str, sent: str = "") -> None:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) == {"status", "type", "message", "details", "request_id"}
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
    for name in ("name", "code", "mean", "median", "p10", "p25", "p75", "p90"):
        assert name in err["details"][0]["allowed"]
