"""Issue 11 §8: nothing the client sent comes back where it could hurt: no Host-built redirect, no echoed
credentials; and an oversized chunked body is a 413 like a declared one."""

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_client


@pytest.mark.parametrize("path", ["/states/", "/percentiles/", "/estimate/"])
def test_trailing_slash_is_a_404_with_a_hint_not_a_redirect_to_the_host_header(client: TestClient, path: str):
    r = client.get(path, headers={"Host": "evil.example"}, follow_redirects=False)
    assert r.status_code == 404
    assert "location" not in r.headers
    assert "evil.example" not in r.text
    assert r.json()["error"]["message"].startswith(f"No such path: {path}. Did you mean {path.rstrip('/')}?")


def test_an_error_never_echoes_an_authorization_header(client: TestClient, seeded_database: str):
    secret = "Bearer " + "hunter2-" * 80
    r = client.post("/admin/refresh", headers={"Authorization": secret})
    assert r.status_code == 403 and "hunter2" not in r.text
    with make_client(seeded_database, admin_token="the-real-token") as c:
        r = c.post("/admin/refresh", headers={"Authorization": secret})
    assert r.status_code == 401 and "hunter2" not in r.text


def test_chunked_body_over_the_limit_is_413(seeded_database: str):
    def chunks():
        for _ in range(20):
            yield b"[" + b" " * 4096

    with make_client(seeded_database, max_body_bytes=10_000) as c:
        r = c.post("/estimate", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json()["error"] == {
        "status": 413,
        "type": "payload_too_large",
        "message": "Request body too large; the limit is 10000 bytes.",
        "details": [],
        "request_id": r.headers["x-request-id"],
    }


def test_chunked_body_under_the_limit_is_read(seeded_database: str):
    def chunks():
        yield b'{"years": '
        yield b"3}"

    with make_client(seeded_database) as c:
        chunked = c.post("/estimate", content=chunks(), headers={"Content-Type": "application/json"})
        whole = c.post("/estimate", json={"years": 3})
    assert chunked.status_code == 200 and chunked.json() == whole.json()
