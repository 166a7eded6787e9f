"""The server's log as operators get it from `salary-api serve`: JSON lines, one per request, with the request
id, and never a token, an Authorization header or a cookie."""

import json
import logging
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import make_client
from tests.servers import Served

TOKEN = "tok-7c1d9e-ADMIN-SECRET"
WRONG_TOKEN = "tok-wrong-GUESSED-SECRET"
COOKIE = "session=COOKIE-SECRET-5521"
QUERY_SECRET = "QUERY-SECRET-0f0f"


def read_json_lines(server: Served, wanted: int, timeout: float = 5.0) -> list[dict]:
    """The log's lines, every one of which must be one JSON object, once ``wanted`` access lines are in."""
    deadline = time.monotonic() + timeout
    while True:
        lines = [line for line in server.log_lines() if line.strip()]
        docs = [json.loads(line) for line in lines]
        if sum(d.get("event") == "request" for d in docs) >= wanted or time.monotonic() > deadline:
            return docs


def test_json_access_lines_with_request_ids_and_no_secrets(seeded_sqlite: str, tmp_path: Path):
    server = Served(
        seeded_sqlite, tmp_path / "api.log", log_format="json", admin_token=TOKEN, access_log_sample="1"
    )
    try:
        server.wait_ready()
        sent = []
        with httpx.Client(base_url=server.base, timeout=10) as http:
            for _ in range(2):  # a miss, then the same again
                sent.append(http.get("/states/NJ", headers={"Cookie": COOKIE}))
            sent.append(http.get("/percentiles", params={"token": QUERY_SECRET}))
            sent.append(http.post("/admin/refresh", headers={"Authorization": f"Bearer {TOKEN}"}))
            sent.append(http.post("/admin/refresh", headers={"Authorization": f"Bearer {WRONG_TOKEN}"}))
            sent.append(http.get("/states", headers={"Authorization": f"Bearer {TOKEN}", "Cookie": COOKIE}))
            sent.append(http.get("/states", headers={"X-Request-ID": "client-chosen-42"}))
        assert [r.status_code for r in sent] == [200, 200, 400, 200, 401, 200, 200]
        docs = read_json_lines(server, wanted=len(sent) + 1)  # and the readiness probe
    finally:
        server.stop()

    raw = (tmp_path / "api.log").read_text()
    for secret in (TOKEN, WRONG_TOKEN, "COOKIE-SECRET", QUERY_SECRET, "Bearer", "authorization", "cookie"):
        assert secret.lower() not in raw.lower()

    access = {d["request_id"]: d for d in docs if d.get("event") == "request"}
    for r in sent:
        line = access[r.headers["x-request-id"]]
        assert line["method"] == r.request.method
        assert line["status"] == r.status_code
        assert line["path"] == r.request.url.path
        assert line["bytes"] == len(r.content)
        assert line["duration_ms"] > 0
        assert line["level"] == "info" and line["logger"] == "salary_api.access"
    nj = [access[r.headers["x-request-id"]] for r in sent[:2]]
    assert [d["route"] for d in nj] == ["/states/{code}"] * 2
    assert [d["cache"] for d in nj] == ["miss", "miss"]  # admitted on the second sighting, served third
    assert access["client-chosen-42"]["route"] == "/states"
    assert access[sent[3].headers["x-request-id"]]["route"] == "/admin/refresh"
    assert any(d.get("event") == "data_reloaded" and d["data_version"] >= 1 for d in docs)


def test_sampling(seeded_sqlite: str, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO, logger="salary_api.access")
    with make_client(seeded_sqlite, access_log_sample=0.0) as c:
        assert all(c.get("/states").status_code == 200 for _ in range(5))
    assert not [r for r in caplog.records if r.name == "salary_api.access"]
    caplog.clear()
    with make_client(seeded_sqlite, access_log_sample=1.0) as c:
        ids = [c.get("/states").headers["x-request-id"] for _ in range(5)]
    lines = [r for r in caplog.records if r.name == "salary_api.access"]
    assert [r.fields["status"] for r in lines] == [200] * 5  # type: ignore[attr-defined]
    assert [r.fields["route"] for r in lines] == ["/states"] * 5  # type: ignore[attr-defined]
    assert len(set(ids)) == 5


def test_text_logs_when_asked(seeded_sqlite: str, tmp_path: Path):
    server = Served(seeded_sqlite, tmp_path / "api.log", log_format="text", access_log_sample="1")
    try:
        server.wait_ready()
        rid = httpx.get(f"{server.base}/states", timeout=10).headers["x-request-id"]
        time.sleep(0.3)
        lines = server.log_lines()
    finally:
        server.stop()
    line = next(line for line in lines if f"request_id={rid}" in line)
    assert "GET /states 200" in line and "cache=" in line
    assert not any(line.lstrip().startswith("{") for line in lines)
