"""The career-outcomes card in an iframe on another origin, in headless Chromium: the /careers figures,
no sideways scroll at phone width, theme=auto following the reader's colour scheme, and the frame sized
from the height the card posts."""

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import httpx
import pytest

from tests.browser.conftest import RESIZE_SNIPPET, ApiServer, StaticHost

pytestmark = pytest.mark.browser

CAREERS_HOST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>HIM program</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>body {{ margin: 8px; font-family: Georgia, serif; }} td {{ color: red !important; }}</style></head>
<body>{snippet}<h1>Health Information Management, A.A.S.</h1>
<iframe id="careers" src="{api}/embed/careers?state=TX&amp;theme=auto" title="Career outcomes in Texas"
  style="border:0;width:100%;height:60px"></iframe></body></html>
"""


def usd(value: float) -> str:
    return f"${Decimal(repr(value)).quantize(Decimal('1'), rounding=ROUND_HALF_UP):,}"


@pytest.fixture
def careers_host(api: ApiServer, tmp_path: Path):
    snippet = RESIZE_SNIPPET.replace("{api}", api.base)
    (tmp_path / "index.html").write_text(CAREERS_HOST.format(api=api.base, snippet=snippet), encoding="utf-8")
    server = StaticHost(tmp_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize(("width", "scheme"), [(390, "light"), (1280, "dark")])
def test_careers_card_in_an_iframe(
    page, api: ApiServer, careers_host: StaticHost, artifacts: Path, width: int, scheme: str
):
    data = httpx.get(f"{api.base}/careers?state=TX", timeout=10).json()
    page.set_viewport_size({"width": width, "height": 1200})
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{careers_host.base}/index.html")
    frame = page.frame_locator("#careers")
    frame.locator("section.cc").wait_for(timeout=15_000)
    for item in data["ladder"]:
        rung = frame.locator(f'tr.cc-rung[data-soc="{item["occupation"]["soc_code"]}"]').inner_text()
        assert f"{usd(item['median']['annual'])} a year" in rung
    entry = frame.locator('tr.cc-step[data-level="entry"]').inner_text()
    annual = data["entry"]["annual"]
    assert f"{usd(annual['low'])} \u2013 {usd(annual['high'])} a year" in entry
    claim = frame.locator('[data-kind="article_claim"]').inner_text()
    assert claim.startswith("The article's claim, not an official figure:")
    assert len(frame.locator("ol.cc-cites li").all()) >= 5
    # The card adds no heading; the host page's outline is its own h1 alone.
    assert page.locator("h1, h2, h3, h4, h5, h6").count() == 1
    assert frame.locator("h1, h2, h3, h4, h5, h6").count() == 0
    # No sideways scroll inside the frame, whatever the width.
    overflow = frame.locator("html").evaluate("el => el.scrollWidth - el.clientWidth")
    assert overflow <= 0
    # theme=auto follows prefers-color-scheme; the host's `td { color: red }` does not reach the frame.
    bg = frame.locator("section.cc").evaluate("el => getComputedStyle(el).backgroundColor")
    assert bg == ("rgb(22, 27, 34)" if scheme == "dark" else "rgb(255, 255, 255)")
    color = frame.locator("td").first.evaluate("el => getComputedStyle(el).color")
    assert not re.fullmatch(r"rgb\(255, 0, 0\)", color)
    # The card posts its height and the README's host snippet applies it (60 px in the host's markup).
    page.wait_for_function("document.getElementById('careers').getBoundingClientRect().height > 60")
    height = page.locator("#careers").evaluate("el => el.getBoundingClientRect().height")
    assert abs(height - frame.locator("body").evaluate("el => el.getBoundingClientRect().height")) <= 2
    page.screenshot(path=str(artifacts / f"careers-card-{width}-{scheme}.png"), full_page=True)
    assert page.page_errors == []
