"""Which requests get an access line from `salary-api serve`, and the bounded queue behind it: errors and slow
requests always, a sample of the rest; lines dropped (and counted) when the queue is full, never waited for;
the queue written out at shutdown."""

import io
import json
import logging
import socket
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.observability.logs import JsonFormatter
from app.observability.writer import AccessLogWriter
from tests.conftest import make_client
from tests.servers import Served

# Every request logged, and a writer that writes only at shutdown (its next turn is an hour away).
WRITTEN_AT_SHUTDOWN = {"log_format": "json", "access_log_sample": "1", "access_log_interval": "3600"}
ERRORS = [("/states/ZZ", 404), ("/states?colour=red", 400), ("/no/such/path", 404)]


def access_lines(server: Served) -> list[dict]:
    """The access lines in the server's log (every line of which is one JSON object)."""
    lines = server.log_path.read_text(errors="replace").splitlines()
    docs = [json.loads(line) for line in lines if line.strip()]
    return [d for d in docs if d.get("event") == "request"]


def scrape(base: str) -> dict[str, float]:
    """Every sample of GET /metrics, summed over its labels."""
    response = httpx.get(f"{base}/metrics", timeout=10)
    response.raise_for_status()
    text = response.text
    totals: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            totals[s.name] = totals.get(s.name, 0.0) + s.value
    return totals


def send(base: str, paths: list[str]) -> list[httpx.Response]:
    with httpx.Client(base_url=base, timeout=10) as http:
        return [http.get(p) for p in paths]


def test_by_default_errors_are_logged_and_successes_only_sampled(seeded_sqlite: str, tmp_path: Path):
    server = Served(seeded_sqlite, tmp_path / "api.log", log_format="json")  # no sampling setting
    try:
        server.wait_ready()
        ok = send(server.base, ["/states"] * 40)
        errors = send(server.base, [path for path, _ in ERRORS])
    finally:
        server.stop()
    assert [r.status_code for r in ok] == [200] * 40
    assert [r.status_code for r in errors] == [status for _, status in ERRORS]
    lines = {d["request_id"]: d for d in access_lines(server)}
    for r in errors:
        line = lines[r.headers["x-request-id"]]
        assert (line["status"], line["path"]) == (r.status_code, r.request.url.path)
    # A 1% sample of 40 answers: logging all of them would mean sampling is not the default.
    assert sum(r.headers["x-request-id"] in lines for r in ok) < 40


def test_at_sample_zero_a_success_is_not_logged_unless_slow(seeded_sqlite: str, tmp_path: Path):
    quiet = Served(seeded_sqlite, tmp_path / "quiet.log", log_format="json", access_log_sample="0")
    try:
        quiet.wait_ready()
        ok = send(quiet.base, ["/states", "/percentiles", "/states"])
        errors = send(quiet.base, [path for path, _ in ERRORS])
    finally:
        quiet.stop()
    assert [r.request.url.path for r in ok] == ["/states", "/percentiles", "/states"]
    assert {d["request_id"] for d in access_lines(quiet)} == {r.headers["x-request-id"] for r in errors}

    # Every request takes at least 0 ms: with that threshold each one is slow, hence logged.
    slow = Served(
        seeded_sqlite,
        tmp_path / "slow.log",
        log_format="json",
        access_log_sample="0",
        access_log_slow_ms="0",
    )
    try:
        slow.wait_ready()
        ok = send(slow.base, ["/states", "/percentiles"])
    finally:
        slow.stop()
    logged = {d["request_id"]: d for d in access_lines(slow)}
    assert [logged[r.headers["x-request-id"]]["status"] for r in ok] == [200, 200]


def test_sample_one_logs_every_request(seeded_sqlite: str, tmp_path: Path):
    server = Served(seeded_sqlite, tmp_path / "api.log", log_format="json", access_log_sample="1")
    paths = ["/states", "/states", "/percentiles?state=CA", "/states/NJ", "/estimate?years=3"] * 4
    try:
        server.wait_ready()
        sent = send(server.base, paths)
    finally:
        server.stop()
    assert {r.status_code for r in sent} == {200}
    lines = {d["request_id"]: d for d in access_lines(server)}
    assert [lines[r.headers["x-request-id"]]["path"] for r in sent] == [p.split("?")[0] for p in paths]


def test_a_full_queue_drops_lines_and_counts_them(seeded_sqlite: str, tmp_path: Path):
    # A queue of 5 lines and a writer that only writes at shutdown: every line after the fifth is dropped.
    settings = {**WRITTEN_AT_SHUTDOWN, "access_log_queue": "5", "metrics_access": "public"}
    server = Served(seeded_sqlite, tmp_path / "api.log", **settings)
    try:
        server.wait_ready()
        sent = send(server.base, ["/states"] * 30)
        totals = scrape(server.base)
    finally:
        server.stop()
    assert {r.status_code for r in sent} == {200}
    answered = totals["salary_api_request_duration_seconds_count"]  # every request before the scrape
    assert answered >= 31  # the readiness probe and the 30 above
    assert totals["salary_api_access_log_dropped_total"] == answered - 5
    assert len(access_lines(server)) == 5


def test_queued_lines_are_written_at_shutdown(seeded_sqlite: str, tmp_path: Path):
    server = Served(seeded_sqlite, tmp_path / "api.log", **WRITTEN_AT_SHUTDOWN)
    try:
        server.wait_ready()
        sent = send(server.base, ["/states", "/states/NJ", "/no/such/path"])
        assert access_lines(server) == []  # still queued
    finally:
        server.stop()
    assert server.proc.returncode is not None
    logged = {d["request_id"] for d in access_lines(server)}
    assert {r.headers["x-request-id"] for r in sent} <= logged


def test_logging_every_request_changes_no_answer(seeded_sqlite: str):
    # The same requests through the default stack and through one that queues a line for every request:
    # the same status, headers and bytes (the request id is the client's, so it is echoed alike).
    paths = ["/states?sort=-median", "/states?sort=-median", "/states?sort=-median", "/estimate?years=3"]
    paths += ["/states.csv", "/states/ZZ", "/no/such/path"]
    answers = []
    for sample in (0.0, 1.0):
        with make_client(seeded_sqlite, access_log_sample=sample) as c:
            answers.append(
                [
                    (r.status_code, sorted(r.headers.multi_items()), r.content)
                    for r in (c.get(p, headers={"X-Request-ID": f"same-{i}"}) for i, p in enumerate(paths))
                ]
            )
    assert answers[0] == answers[1]
    assert [status for status, _, _ in answers[0]] == [200, 200, 200, 200, 200, 404, 404]


def test_the_writers_json_lines_are_the_formatters():
    # The writer builds JSON lines without a LogRecord; any other handler gets records through
    # JsonFormatter. Both must write the same line, escapes included.
    writer = AccessLogWriter(logging.getLogger("salary_api.access"), max_lines=10, interval=1.0)
    for path, cache in (("/states/NJ", "hit"), ('/no/"such"\\path\u00e9\n', None)):
        line = (time.time(), "GET", "unmatched", path, 404, 0.0123456, 321, cache, "abc-1f")
        assert writer._json(line) == JsonFormatter().format(writer._record(line)) + "\n"


def test_a_path_that_is_not_utf8_is_written_escaped_and_the_writer_goes_on():
    # orjson refuses a lone surrogate; the writer thread must not stop on one (every later line lost).
    logger = logging.getLogger("salary_api.access.surrogate-test")
    logger.propagate = False
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    try:
        writer = AccessLogWriter(logger, max_lines=10, interval=0.01)
        for path in ("/states/\ud800", "/states/NJ"):
            writer.put((time.time(), "GET", "/states/{state}", path, 404, 0.001, 10, None, "abc-1"))
        writer.close()
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "/states/\\ud800" in text  # JSON's escape, so the file stays valid UTF-8
    assert [json.loads(line)["path"] for line in text.splitlines()] == ["/states/\ud800", "/states/NJ"]


def test_any_log_line_with_text_that_is_not_utf8_is_kept():
    # The same encoder writes every JSON line, not only access lines: logging would otherwise drop it.
    line = JsonFormatter().format(logging.makeLogRecord({"msg": "no area named \udcff"}))
    assert json.loads(line)["message"] == "no area named \udcff"


@pytest.mark.parametrize(
    "created",
    [0.0, 1_733_332_800.0, 1_733_332_800.0005, 1_733_332_800.999, 1_733_332_859.9999, 1_764_869_062.026],
)
def test_a_lines_time_is_utc_to_the_millisecond(created: float):
    # The millisecond is truncated, as logging's own ``msecs`` is.
    expected = datetime.fromtimestamp(created, tz=UTC)
    expected = expected.replace(microsecond=expected.microsecond // 1000 * 1000)
    doc = json.loads(JsonFormatter().format(logging.makeLogRecord({"msg": "m", "created": created})))
    assert datetime.fromisoformat(doc["time"].replace("Z", "+00:00")) == expected
    assert doc["time"].endswith("Z") and len(doc["time"]) == len("2026-12-04T17:44:22.026Z")


def test_a_head_the_server_refuses_is_logged_with_its_request_id(seeded_sqlite: str, tmp_path: Path):
    server = Served(seeded_sqlite, tmp_path / "api.log", log_format="json")
    refused = []
    try:
        server.wait_ready()
        for host in (b"Host: a b\r\n", b"", b"Host: x\r\nHost: y\r\n"):
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
                sock.sendall(b"GET /percentiles HTTP/1.1\r\n" + host + b"\r\n")
                answer = b""
                while chunk := sock.recv(65536):  # the server ends the connection after a refusal
                    answer += chunk
                refused.append(answer)
    finally:
        server.stop()
    ids = [json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]["request_id"] for answer in refused]
    assert all(answer.startswith(b"HTTP/1.1 400 ") for answer in refused) and all(ids)
    lines = {d["request_id"]: d for d in access_lines(server)}
    assert [(lines[i]["status"], lines[i]["path"]) for i in ids] == [(400, "/percentiles")] * 3
