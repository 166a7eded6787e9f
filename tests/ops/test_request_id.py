"""X-Request-ID: kept when well-formed, else generated; echoed on every answer and in error bodies."""

import re

import pytest
from fastapi.testclient import TestClient

GENERATED = re.compile(r"[0-9a-f]{12}-[0-9a-f]+")


def test_a_well_formed_id_is_kept_and_echoed_on_a_cached_answer(client: TestClient):
    for _ in range(3):  # the third answer comes from the response cache
        r = client.get("/percentiles", headers={"X-Request-ID": "lb-7f3a.9:0042"})
        assert r.status_code == 200 and r.headers["x-request-id"] == "lb-7f3a.9:0042"


def test_an_id_is_generated_when_absent_and_each_request_gets_its_own(client: TestClient):
    ids = [client.get("/states").headers["x-request-id"] for _ in range(3)]
    assert all(GENERATED.fullmatch(i) for i in ids)
    assert len(set(ids)) == 3


@pytest.mark.parametrize(
    "sent",
    ["has space", "x" * 129, 'quote"s', "new\\nline", "<script>", ""],
)
def test_a_malformed_id_is_replaced(client: TestClient, sent: str):
    r = client.get("/states", headers={"X-Request-ID": sent})
    assert r.status_code == 200
    assert GENERATED.fullmatch(r.headers["x-request-id"])


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/states/ZZ", 404),
        ("GET", "/states?unknown=1", 400),
        ("POST", "/estimate", 415),
        ("DELETE", "/states", 405),
        ("POST", "/admin/refresh", 403),
    ],
)
def test_error_bodies_carry_the_request_id(client: TestClient, method: str, path: str, status: int):
    r = client.request(method, path, headers={"X-Request-ID": "trace-1234"})
    assert r.status_code == status
    assert r.json()["error"]["request_id"] == "trace-1234" == r.headers["x-request-id"]
