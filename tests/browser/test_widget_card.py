"""The wage-range card as a job board ships it, in headless Chromium on another origin: themes (light, dark,
auto), the host's resize snippet, the compact size, a bad parameter, another occupation, brand colours,
WCAG AA contrast, and the API down. Screenshots go to test-artifacts/."""

import base64
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ApiServer, StaticHost, write_host_page

pytestmark = pytest.mark.browser
EN_DASH = "\u2013"
FRAMES = ("f-light", "f-dark", "f-auto", "f-bad", "f-occ")
HOST_TINT = (244, 239, 230)  # the cards page's background, #f4efe6
COMPACT = (440, 150)  # the compact size the README documents


def usd(value: float, places: str = "0.01") -> str:
    return f"${Decimal(repr(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP):,}"


def channel(c: float) -> float:
    c /= 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: tuple[float, ...]) -> float:
    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """WCAG 2.x contrast ratio (relative luminance, sRGB)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def rgb(css: str) -> tuple[float, ...]:
    nums = [float(x) for x in re.findall(r"[\d.]+", css)]
    assert len(nums) == 3 or nums[3] == 1, css  # opaque colours only
    return tuple(nums[:3])


TEXT_COLOURS = """root => {
  const card = root.querySelector('.wr');
  const out = {bg: getComputedStyle(card).backgroundColor, texts: []};
  for (const el of card.querySelectorAll('p, strong, span, a')) {
    if (!el.textContent.trim() || el.offsetParent === null) continue;
    const cs = getComputedStyle(el);
    out.texts.push([el.className || el.tagName, cs.color]);
  }
  return out;
}"""


def assert_aa(colours: dict, where: str) -> None:
    bg = rgb(colours["bg"])
    assert colours["texts"], where
    for name, colour in colours["texts"]:
        ratio = contrast(rgb(colour), bg)
        assert ratio >= 4.5, f"{where}: {name} {colour} on {colours['bg']} is {ratio:.2f}:1"


def frame_doc(page, frame_id: str):
    return page.frame_locator(f"#{frame_id}")


def corner_pixel(page, selector: str) -> tuple[int, int, int]:
    """The colour of the top-left pixel of an element's screenshot (outside the card's rounded corner)."""
    png = page.locator(selector).screenshot()
    data = base64.b64encode(png).decode()
    return tuple(
        page.evaluate(
            """async (src) => {
                const img = new Image(); img.src = src; await img.decode();
                const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
                const g = c.getContext('2d'); g.drawImage(img, 0, 0);
                return Array.from(g.getImageData(1, 1, 1, 1).data.slice(0, 3));
            }""",
            f"data:image/png;base64,{data}",
        )
    )


def wait_sized(page, frame_id: str) -> None:
    """Wait until the host snippet has applied the height the card posted (no longer the 60 px start)."""
    page.wait_for_function(
        f"() => document.getElementById('{frame_id}').getBoundingClientRect().height > 60", timeout=15_000
    )


@pytest.fixture
def cards(page, host: StaticHost, api: ApiServer):
    page.goto(f"{host.base}/cards.html")
    for fid in FRAMES:
        wait_sized(page, fid)
    for wid in ("w-occ", "w-brand", "w-css", "w-auto"):
        page.wait_for_selector(f"#{wid}[data-wage-range-status=ready]", timeout=15_000)
    return page


def test_iframes_size_themselves_through_the_host_snippet(cards, artifacts: Path):
    page = cards
    for fid in FRAMES:
        frame = page.frame_locator(f"#{fid}")
        card_height = frame.locator(".wr").evaluate("el => el.getBoundingClientRect().height")
        frame_height = page.locator(f"#{fid}").evaluate("el => el.getBoundingClientRect().height")
        assert frame_height == pytest.approx(card_height, abs=1), fid
        # Nothing scrolls inside the frame: the whole card shows.
        sizes = frame.locator("html").evaluate(
            "el => [el.scrollHeight, el.clientHeight, el.scrollWidth, el.clientWidth]"
        )
        assert sizes[0] <= sizes[1] and sizes[2] <= sizes[3], (fid, sizes)
        # No heading reaches the host page's outline; the page's own h1 is its only heading.
        assert frame.locator("h1, h2, h3, h4, h5, h6").count() == 0
    assert page.locator("h1, h2, h3, h4, h5, h6").count() == 1
    # A frame given no height opens to its card's height once the card reports it.
    wait_sized(page, "f-zero")
    zero = page.frame_locator("#f-zero").locator(".wr").evaluate("el => el.getBoundingClientRect().height")
    assert page.locator("#f-zero").bounding_box()["height"] == pytest.approx(zero, abs=1)
    # A narrower frame wraps the card's lines: the card posts its new height and the frame follows.
    before = page.locator("#f-light").bounding_box()["height"]
    page.locator("#f-light").evaluate("el => { el.width = 300; }")
    page.wait_for_function(
        f"() => document.getElementById('f-light').getBoundingClientRect().height > {before}", timeout=15_000
    )
    frame = page.frame_locator("#f-light")
    card_height = frame.locator(".wr").evaluate("el => el.getBoundingClientRect().height")
    assert page.locator("#f-light").bounding_box()["height"] == pytest.approx(card_height, abs=1)
    assert page.page_errors == []
    page.screenshot(path=str(artifacts / "card-themes-light-host.png"), full_page=True)


def test_dark_card_has_no_black_frame_and_auto_follows_the_reader(browser, host: StaticHost, artifacts: Path):
    for scheme, auto_bg in (("light", "rgb(255, 255, 255)"), ("dark", "rgb(22, 27, 34)")):
        context = browser.new_context(viewport={"width": 800, "height": 1400}, color_scheme=scheme)
        try:
            page = context.new_page()
            page.goto(f"{host.base}/cards.html")
            for fid in ("f-light", "f-dark", "f-auto"):
                wait_sized(page, fid)
            page.wait_for_selector("#w-auto[data-wage-range-status=ready]", timeout=15_000)
            # Outside the rounded corner the host page shows through, for every theme.
            for fid in ("f-light", "f-dark", "f-auto"):
                assert corner_pixel(page, f"#{fid}") == HOST_TINT, (scheme, fid)
            dark_bg = (
                page.frame_locator("#f-dark")
                .locator(".wr")
                .evaluate("el => getComputedStyle(el).backgroundColor")
            )
            assert dark_bg == "rgb(22, 27, 34)"
            auto = page.frame_locator("#f-auto").locator(".wr")
            assert auto.evaluate("el => getComputedStyle(el).backgroundColor") == auto_bg
            # embed.js's auto card follows the same preference inside its shadow root.
            shadow_bg = page.locator("#w-auto .wr").evaluate("el => getComputedStyle(el).backgroundColor")
            assert shadow_bg == auto_bg
            # WCAG AA for every visible text of the card, in each theme (computed colours, in the browser).
            for fid in ("f-light", "f-dark", "f-auto", "f-bad", "f-occ"):
                colours = page.frame_locator(f"#{fid}").locator("body").evaluate(TEXT_COLOURS)
                assert_aa(colours, f"{scheme}/{fid}")
            assert_aa(page.locator("#w-auto").evaluate(f"el => ({TEXT_COLOURS})(el.shadowRoot)"), scheme)
            page.screenshot(path=str(artifacts / f"card-themes-prefers-{scheme}.png"), full_page=True)
            page.locator("#f-dark").screenshot(path=str(artifacts / f"card-dark-prefers-{scheme}.png"))
            page.locator("#f-auto").screenshot(path=str(artifacts / f"card-auto-prefers-{scheme}.png"))
        finally:
            context.close()


@pytest.mark.parametrize("frame_id", ["c-nj", "c-long", "c-occ", "c-bad"])
def test_compact_fits_the_documented_size(page, host: StaticHost, frame_id: str, artifacts: Path):
    page.goto(f"{host.base}/compact.html")
    frame = page.frame_locator(f"#{frame_id}")
    frame.locator(".wr-title").wait_for(timeout=15_000)
    width, height = COMPACT
    box = page.locator(f"#{frame_id}").bounding_box()
    assert (box["width"], box["height"]) == (width, height)
    doc = frame.locator("html").evaluate("el => [el.scrollWidth, el.scrollHeight]")
    assert doc[0] <= width and doc[1] <= height, doc  # no scrollbar
    # The title does not wrap; figures, bar and source all show inside the frame.
    title = frame.locator(".wr-title").evaluate("el => el.getBoundingClientRect().height")
    assert title < 24
    parts = (".wr-reader", ".wr-detail") if frame_id == "c-bad" else (".wr-hourly", ".wr-annual", ".wr-bar")
    for sel in (*parts, ".wr-source a"):
        if frame_id == "c-bad" and sel == ".wr-source a":
            continue
        top, bottom = frame.locator(sel).evaluate(
            "el => { const r = el.getBoundingClientRect(); return [r.top, r.bottom]; }"
        )
        assert top >= 0 and bottom <= height, (sel, top, bottom)
    if frame_id != "c-bad":
        source = frame.locator(".wr-source").evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert source[0] <= source[1], source  # the short source line is not cut
    page.locator(f"#{frame_id}").screenshot(path=str(artifacts / f"card-compact-{frame_id}.png"))


def test_bad_parameter_shows_a_small_card_not_json(cards, artifacts: Path):
    frame = cards.frame_locator("#f-bad")
    text = frame.locator("body").inner_text()
    assert "Pay range not available" in text and "state=ZZ names no state or territory" in text
    assert "{" not in text and '"error"' not in text
    assert frame.locator(".wr-error").count() == 1
    cards.locator("#f-bad").screenshot(path=str(artifacts / "card-bad-parameter.png"))


def test_another_occupation_shows_its_areas_official_range(cards, api: ApiServer, artifacts: Path):
    for locator, occupation, state in (
        (cards.frame_locator("#f-occ"), "43-3021", "TX"),
        (cards.locator("#w-occ"), "29-9021", "CA"),
    ):
        pct = httpx.get(f"{api.base}/percentiles?occupation={occupation}&state={state}", timeout=10).json()
        p = pct["percentiles"]
        assert locator.locator(".wr-hourly").inner_text() == (
            f"{usd(p['p25']['hourly'])} {EN_DASH} {usd(p['p75']['hourly'])}"
        )
        assert locator.locator(".wr-annual").inner_text() == (
            f"{usd(p['p25']['annual'], '1')} {EN_DASH} {usd(p['p75']['annual'], '1')}"
        )
        assert pct["occupation"]["title"] in locator.locator(".wr-title").inner_text()
        assert "applies to 29-2072" in locator.locator(".wr-note").inner_text()
        # The bar's text alternative carries the same figures with their units.
        label = locator.locator(".wr-bar").get_attribute("aria-label")
        assert f"{usd(p['p25']['hourly'])} {EN_DASH} {usd(p['p75']['hourly'])} an hour" in label
        assert f"median {usd(p['median']['hourly'])} an hour" in label
    cards.locator("#f-occ").screenshot(path=str(artifacts / "card-other-occupation-iframe.png"))
    cards.locator("#w-occ").screenshot(path=str(artifacts / "card-other-occupation-embed-js.png"))


def test_brand_colour_by_attribute_and_css_custom_property(cards):
    fills = {
        wid: cards.locator(f"#{wid} .wr-fill").evaluate("el => getComputedStyle(el).backgroundColor")
        for wid in ("w-brand", "w-css", "w-occ")
    }
    assert fills["w-brand"] == "rgb(181, 23, 158)"  # data-brand="#b5179e"
    assert fills["w-css"] == "rgb(10, 125, 50)"  # --wage-range-brand: #0a7d32 in the host's CSS
    assert fills["w-occ"] == "rgb(31, 111, 235)"  # the default


def test_how_it_is_estimated_opens_a_page_in_plain_words(cards, api: ApiServer, artifacts: Path):
    link = cards.frame_locator("#f-light").locator(".wr-source a")
    assert link.inner_text() == "How it is estimated"
    with cards.context.expect_page() as new:
        link.click()
    method = new.value
    method.wait_for_load_state()
    assert method.url.startswith(f"{api.base}/embed/wage-range/method?")
    body = httpx.get(f"{api.base}/estimate?state=NJ&years=3", timeout=10).json()
    steps = method.locator("li.step")
    assert steps.count() == 1 + len(body["adjustments"]) + len(body["notes"]) + len(
        body["total_compensation"]["components"]
    )
    explanation = body["adjustments"][0]["explanation"]
    for release in body["releases"]:
        explanation = explanation.replace(f"release {release['key']}", release["label"])
    assert explanation in steps.nth(1).inner_text()
    assert "Source: BLS OEWS, May 2025" in steps.nth(1).inner_text()
    expect(method.locator("h1")).to_have_text("How this pay range is estimated")
    assert "{" not in method.locator("body").inner_text()
    method.screenshot(path=str(artifacts / "card-method-page.png"), full_page=True)


def test_iframe_and_embed_js_when_the_api_is_down(browser, browser_db: str, tmp_path: Path, artifacts: Path):
    own_api = ApiServer(browser_db, tmp_path / "uvicorn.log")
    write_host_page(tmp_path / "host", own_api.base)
    host = StaticHost(tmp_path / "host")
    own_api.stop()
    context = browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{host.base}/cards.html")
        # The host page keeps working: the frames keep the size the host gave them, and the embed.js
        # placeholders keep the host's own text (embed.js itself cannot load).
        assert page.locator("h1").inner_text() == "Cards"
        assert page.locator("#f-light").bounding_box()["height"] == 60
        # A frame given no height stays closed: the browser's error page is not shown to readers.
        page.wait_for_timeout(1000)
        assert page.locator("#f-zero").bounding_box()["height"] == 0
        assert page.locator("#w-occ").inner_text() == "Pay range loading"
        assert errors == []
        page.screenshot(path=str(artifacts / "card-api-down.png"), full_page=True)
    finally:
        context.close()
        host.stop()
