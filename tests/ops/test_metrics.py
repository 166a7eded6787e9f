"""GET /metrics: the Prometheus text format, route templates as labels, the edge's counters, outside the
rate limit, and moved or turned off by a setting."""

from prometheus_client.parser import text_string_to_metric_families

from app.domain.remembering import MAX_KEY_LENGTH
from app.observability.routes import MAX_REMEMBERED, UNMATCHED, RouteTemplates
from tests.conftest import make_client


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition, parsed by prometheus-client's own parser."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


def test_requests_are_counted_by_route_template_never_by_raw_path(seeded_sqlite: str):
    with make_client(seeded_sqlite, metrics_access="public") as c:
        before = c.get("/metrics").text
        for code in ("NJ", "CA", "TX"):
            assert c.get(f"/states/{code}").status_code == 200
        assert c.get("/states/ZZ").status_code == 404
        assert c.get("/no/such/thing-1").status_code == 404
        assert c.get("/no/such/thing-2").status_code == 404
        after = c.get("/metrics")
    assert after.status_code == 200
    assert after.headers["content-type"].startswith("text/plain; version=")
    assert after.headers["cache-control"] == "no-store"
    text = after.text

    def delta(name: str, **labels: str) -> float:
        return value(text, name, **labels) - value(before, name, **labels)

    count = "salary_api_request_duration_seconds_count"  # the histogram counts the requests too
    assert delta(count, method="GET", route="/states/{code}", status="200") == 3
    assert delta(count, method="GET", route="/states/{code}", status="404") == 1
    assert delta(count, method="GET", route="unmatched", status="404") == 2
    # Every observation lies in the +Inf bucket.
    assert (
        delta(
            "salary_api_request_duration_seconds_bucket",
            method="GET",
            route="/states/{code}",
            status="200",
            le="+Inf",
        )
        == 3
    )
    # No label anywhere holds a raw path.
    for path in ("/states/NJ", "/states/ZZ", "thing-1", "thing-2"):
        assert path not in text


def test_cache_hits_misses_admissions_and_size(seeded_sqlite: str):
    with make_client(seeded_sqlite, metrics_access="public") as c:
        before = c.get("/metrics").text
        # The cache admits a key on its second sighting: miss, miss (admitted), then hits.
        for _ in range(5):
            assert c.get("/percentiles?state=NJ").status_code == 200
        text = c.get("/metrics").text

    def delta(name: str) -> float:
        return value(text, name) - value(before, name)

    assert delta("salary_api_cache_misses_total") == 2
    assert delta("salary_api_cache_hits_total") == 3
    assert delta("salary_api_cache_admissions_total") >= 1
    assert delta("salary_api_cache_evictions_total") == 0
    assert value(text, "salary_api_cache_bytes") > 0


def test_data_version_refresh_time_and_memory(seeded_sqlite: str):
    with make_client(seeded_sqlite, metrics_access="public") as c:
        version = c.get("/readyz").json()["data_version"]
        text = c.get("/metrics").text
    assert value(text, "salary_api_data_version") == version
    assert value(text, "salary_api_database_up") == 1
    assert value(text, "salary_api_data_refresh_timestamp_seconds") > 1.7e9  # a Unix time after 2023
    assert value(text, "salary_api_process_resident_memory_bytes") > 10 * 1024 * 1024


def test_metrics_are_not_behind_the_rate_limit(seeded_sqlite: str):
    # A burst of 1 request.
    with make_client(seeded_sqlite, metrics_access="public", rate_limit_per_minute=6) as c:
        before = c.get("/metrics").text
        assert c.get("/states").status_code == 200
        limited = c.get("/states")
        assert limited.status_code == 429 and limited.json()["error"]["type"] == "rate_limited"
        scrapes = [c.get("/metrics") for _ in range(5)]
    assert [r.status_code for r in scrapes] == [200] * 5
    assert (
        value(scrapes[-1].text, "salary_api_rate_limited_total")
        - value(before, "salary_api_rate_limited_total")
        == 1
    )
    assert (
        value(
            scrapes[-1].text,
            "salary_api_request_duration_seconds_count",
            method="GET",
            route="/states",
            status="429",
        )
        >= 1
    )


def test_metrics_moved_or_turned_off_by_a_setting(seeded_sqlite: str):
    with make_client(seeded_sqlite, metrics_access="public", metrics_path="/ops/prometheus") as c:
        assert c.get("/ops/prometheus").status_code == 200
        assert "salary_api_request_duration_seconds_count" in c.get("/ops/prometheus").text
        moved = c.get("/metrics")
        assert moved.status_code == 404 and moved.json()["error"]["type"] == "not_found"
    with make_client(seeded_sqlite, metrics_access="public", metrics_path="") as c:
        off = c.get("/metrics")
        assert off.status_code == 404 and off.json()["error"]["type"] == "not_found"


def test_metrics_errors_use_the_error_shape(seeded_sqlite: str):
    with make_client(seeded_sqlite, metrics_access="public") as c:
        post = c.post("/metrics")
        query = c.get("/metrics?name=x")
    assert post.status_code == 405 and post.headers["allow"] == "GET, HEAD, OPTIONS"
    assert post.json()["error"]["type"] == "method_not_allowed"
    assert query.status_code == 400 and query.json()["error"]["type"] == "invalid_query"
    for r in (post, query):
        assert r.json()["error"]["request_id"] == r.headers["x-request-id"]


def test_import_runs_are_counted_by_the_cli(tmp_path):
    """An import in another process reaches /metrics through the shared multiprocess directory."""
    import os
    import subprocess
    import sys

    from tests.conftest import build_database
    from tests.oews.conftest import FIXTURES
    from tests.servers import ROOT

    url = build_database(f"sqlite:///{tmp_path / 'import.db'}")
    mp = tmp_path / "prom"
    mp.mkdir()
    env = {**os.environ, "SALARY_API_DATABASE_URL": url, "PROMETHEUS_MULTIPROC_DIR": str(mp)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "import-oews", str(FIXTURES / "national_M2023_dl.csv")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    read = subprocess.run(
        [sys.executable, "-c", "from app.observability.metrics import render; print(render().decode())"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert read.returncode == 0, read.stderr
    runs = {k: v for k, v in samples(read.stdout).items() if k[0] == "salary_api_import_runs_total"}
    # The fixture's national file holds one detailed occupation row for 29-2072 among its 5 rows.
    assert runs == {("salary_api_import_runs_total", (("status", "created"),)): 1.0}
    assert value(read.stdout, "salary_api_import_duration_seconds_count") == 1


def test_evictions_when_the_cache_is_full(seeded_sqlite: str):
    # Smaller than any answer: evicted at once.
    with make_client(seeded_sqlite, metrics_access="public", cache_max_bytes=1) as c:
        before = c.get("/metrics").text
        for _ in range(3):
            assert c.get("/percentiles?state=CA").status_code == 200
        text = c.get("/metrics").text
    admitted = value(text, "salary_api_cache_admissions_total") - value(
        before, "salary_api_cache_admissions_total"
    )
    evicted = value(text, "salary_api_cache_evictions_total") - value(
        before, "salary_api_cache_evictions_total"
    )
    assert admitted >= 1 and evicted == admitted
    assert value(text, "salary_api_cache_bytes") == 0


def test_unknown_methods_share_one_label(seeded_sqlite: str):
    with make_client(seeded_sqlite, metrics_access="public") as c:
        for verb in ("BREW", "WHEN", "PROPFIND"):
            assert c.request(verb, "/states").status_code == 405
        text = c.get("/metrics").text
    assert "BREW" not in text and "PROPFIND" not in text
    assert (
        value(
            text, "salary_api_request_duration_seconds_count", method="other", route="/states", status="405"
        )
        >= 3
    )


def test_metrics_are_private_by_default_and_open_to_the_admin_token(seeded_sqlite: str):
    with make_client(seeded_sqlite) as c:  # the default: token mode, and no token configured
        closed = c.get("/metrics")
    assert closed.status_code == 403 and closed.json()["error"]["type"] == "forbidden"
    assert "SALARY_API_ADMIN_TOKEN" in closed.json()["error"]["message"]
    assert "salary_api_" not in closed.text

    with make_client(seeded_sqlite, admin_token="s3cret-scrape") as c:
        missing = c.get("/metrics")
        wrong = c.get("/metrics", headers={"Authorization": "Bearer s3cret-scrapE"})
        right = c.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape"})
        head = c.head("/metrics", headers={"Authorization": "Bearer s3cret-scrape"})
    for refused in (missing, wrong):
        assert refused.status_code == 401 and refused.json()["error"]["type"] == "unauthorized"
        assert refused.headers["www-authenticate"] == "Bearer" and "salary_api_" not in refused.text
    assert right.status_code == 200 and right.headers["content-type"].startswith("text/plain; version=")
    assert value(right.text, "salary_api_database_up") == 1
    assert head.status_code == 200 and head.content == b""


def test_route_labels_are_remembered_within_a_bound_and_follow_an_added_path():
    """The path -> label memory forgets the least recently used path one at a time, and a path added later
    is labelled as itself even if it was asked before (then unmatched)."""
    routes = RouteTemplates([])
    for n in range(MAX_REMEMBERED + 1):
        assert routes.template(f"/x{n}") == UNMATCHED
    assert routes.remembered.cache_info().currsize == MAX_REMEMBERED
    routes.add("/x5")
    assert (routes.template("/x5"), routes.template("/x6")) == ("/x5", UNMATCHED)


def test_a_long_path_is_labelled_every_time_and_never_remembered():
    routes = RouteTemplates([])
    long_path = "/" + "x" * MAX_KEY_LENGTH
    assert routes.template(long_path) == UNMATCHED
    routes.add(long_path)
    assert routes.template(long_path) == long_path
    assert routes.remembered.cache_info().currsize == 0
