"""The badge on a job board (another origin), in headless Chromium: embed.js with data-compare-low /
data-compare-high, and the iframe card with compare_low / compare_high, both showing the /compare sentence."""

from pathlib import Path

import httpx
import pytest

from tests.browser.conftest import RESIZE_SNIPPET, ApiServer, StaticHost

pytestmark = pytest.mark.browser

BADGE_HOST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Job board</title>
<style>p, span {{ color: red !important; font-size: 30px; }}</style></head>
<body>{snippet}<h1>Medical coder, Dallas TX: $45,000 - $60,000</h1>
<div id="b-js" data-wage-range data-state="TX" data-compare-low="45000" data-compare-high="60000"></div>
<div id="b-hourly" data-wage-range data-metro="41940" data-compare-low="35" data-compare-high="80"
     data-compare-unit="hourly" data-theme="dark"></div>
<iframe id="b-frame" src="{api}/embed/wage-range?state=TX&amp;compare_low=45000&amp;compare_high=60000"
  title="Where this pay range sits" style="border:0;width:440px;height:60px"></iframe>
<script src="{api}/embed.js" async></script>
</body></html>
"""


@pytest.fixture
def badge_host(api: ApiServer, tmp_path: Path):
    snippet = RESIZE_SNIPPET.replace("{api}", api.base)
    (tmp_path / "index.html").write_text(BADGE_HOST.format(api=api.base, snippet=snippet), encoding="utf-8")
    server = StaticHost(tmp_path)
    try:
        yield server
    finally:
        server.stop()


def summary(api: ApiServer, query: str) -> str:
    r = httpx.get(f"{api.base}/compare?{query}", timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["summary"]


def test_badge_via_embed_js_and_iframe(page, api: ApiServer, badge_host: StaticHost, artifacts: Path):
    assert api.base != badge_host.base
    page.goto(f"{badge_host.base}/index.html")
    for wid in ("b-js", "b-hourly"):
        page.wait_for_selector(f"#{wid}[data-wage-range-status=ready]", timeout=15_000)
    texas = summary(api, "state=TX&low=45000&high=60000")
    assert texas.startswith("This range sits between the 40th and 68th percentile")
    assert page.locator("#b-js .wr-badge-text").inner_text() == texas
    hourly = summary(api, "metro=41940&low=35&high=80&unit=hourly")
    assert page.locator("#b-hourly .wr-badge-text").inner_text() == hourly
    assert "wr-dark" in page.locator("#b-hourly .wr").get_attribute("class")
    # The host's `p { color: red }` does not reach into the badge.
    colour = page.locator("#b-js .wr-badge-text").evaluate("el => getComputedStyle(el).color")
    assert colour != "rgb(255, 0, 0)"
    frame = page.frame_locator("#b-frame")
    frame.locator(".wr-badge-text").wait_for(timeout=15_000)
    assert frame.locator(".wr-badge-text").inner_text() == texas
    # The README's host snippet applies the height the iframe card posts (60 px in the host's markup).
    page.wait_for_function("document.getElementById('b-frame').getBoundingClientRect().height > 60")
    height = page.locator("#b-frame").evaluate("el => el.getBoundingClientRect().height")
    inner = frame.locator(".wr").evaluate("el => el.getBoundingClientRect().height")
    assert abs(height - inner) <= 2
    page.screenshot(path=str(artifacts / "badge.png"), full_page=True)
    assert page.page_errors == []
