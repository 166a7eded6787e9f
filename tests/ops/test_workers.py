"""`salary-api serve --workers 2` with the metrics on a port of their own (SALARY_API_METRICS_PORT): a scrape
adds up both workers (prometheus-client's multiprocess mode) with no token, the API's port does not serve
them, and SIGTERM drains every worker."""

import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.servers import Served, free_port


def metric(text: str, name: str, **labels: str) -> list[float]:
    return [
        s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    ]


def test_two_workers_one_metrics_view_and_both_drain(seeded_sqlite: str, tmp_path: Path):
    port = free_port()
    scrape_url = f"http://127.0.0.1:{port}/metrics"
    server = Served(
        seeded_sqlite,
        tmp_path / "api.log",
        workers=2,
        log_format="json",
        shutdown_drain="2",
        metrics_port=str(port),
    )
    try:
        server.wait_ready()
        hidden = httpx.get(f"{server.base}/metrics")
        assert hidden.status_code == 404 and hidden.json()["error"]["type"] == "not_found"
        # Both workers up: one data-version series each.
        deadline = time.monotonic() + 40
        while len(metric(httpx.get(scrape_url).text, "salary_api_data_version")) < 2:
            assert time.monotonic() < deadline, "the second worker did not start"
            time.sleep(0.2)
        before = httpx.get(scrape_url).text
        assert metric(before, "salary_api_request_duration_seconds_count", route="/states/{code}") == []
        sent = 20
        for _ in range(sent):  # one connection each: the kernel spreads them over both workers
            with httpx.Client(timeout=5) as c:
                assert c.get(f"{server.base}/states/NJ").status_code == 200
        scrapes = [httpx.get(scrape_url, timeout=5).text for _ in range(4)]
        for text in scrapes:  # whichever worker answers, the total is the same
            assert metric(
                text, "salary_api_request_duration_seconds_count", route="/states/{code}", status="200"
            ) == [sent]
        assert len(metric(scrapes[-1], "salary_api_data_version")) == 2, scrapes[-1]

        server.sigterm()
        time.sleep(1.0)  # uvicorn's supervisor passes signals on to its workers every 0.5 s
        probes = [httpx.get(f"{server.base}/readyz", timeout=5) for _ in range(6)]
        assert {p.status_code for p in probes} == {503}
        assert {p.json()["error"]["type"] for p in probes} == {"service_unavailable"}
        assert httpx.get(f"{server.base}/states/NJ", timeout=5).status_code == 200
        server.proc.wait(timeout=20)
    finally:
        server.stop()
    assert server.proc.returncode is not None
