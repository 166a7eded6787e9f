"""The widget on another origin (via /embed.js and an iframe), the explorer page, the fallback with the API
stopped, and HTTP caching over real sockets: headless Chromium against uvicorn."""

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ApiServer, StaticHost, write_host_page

pytestmark = pytest.mark.browser
EN_DASH = "\u2013"


def usd(value: float, places: str = "0.01") -> str:
    return f"${Decimal(repr(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP):,}"


def expected_ranges(body: dict) -> tuple[str, str]:
    h, a = body["hourly"], body["annual"]
    plus = "+" if body["open_top"] else ""
    return (
        f"{usd(h['low'])} {EN_DASH} {usd(h['high'])}{plus}",
        f"{usd(a['low'], '1')} {EN_DASH} {usd(a['high'], '1')}{plus}",
    )


def estimate(api: ApiServer, query: str) -> dict:
    r = httpx.get(f"{api.base}/estimate?{query}", timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def test_widget_on_another_origin_via_script_and_iframe(page, api: ApiServer, host: StaticHost, artifacts):
    assert api.base != host.base  # two ports: two origins, so every API call is cross-origin (CORS)
    cross_origin = []
    page.on("request", lambda req: cross_origin.append(req.url) if req.url.startswith(api.base) else None)
    page.goto(f"{host.base}/index.html")
    for wid in ("w-nj", "w-dc", "w-us"):
        page.wait_for_selector(f"#{wid}[data-wage-range-status=ready]", timeout=15_000)
    page.wait_for_selector("#w-bad[data-wage-range-status=unavailable]", timeout=15_000)

    for wid, query in (("w-nj", "state=NJ&years=3"), ("w-dc", "state=DC&level=senior&certifications=CPC")):
        body = estimate(api, query)
        hourly, annual = expected_ranges(body)
        card = page.locator(f"#{wid} .wr")
        assert card.locator(".wr-hourly").inner_text() == hourly
        assert card.locator(".wr-annual").inner_text() == annual
        assert "BLS OEWS, May 2025" in card.locator(".wr-source").inner_text()
        # The bar has a text equivalent with the same figures.
        label = card.locator(".wr-bar").get_attribute("aria-label")
        assert hourly in label and annual in label
        # The host's `p, strong { color: red }` does not reach into the card.
        color = card.locator(".wr-hourly").evaluate("el => getComputedStyle(el).color")
        assert color != "rgb(255, 0, 0)"

    nj = estimate(api, "state=NJ&years=3")
    assert "New Jersey" in page.locator("#w-nj .wr-title").inner_text()
    assert "Mid-Career" in page.locator("#w-nj .wr-profile").inner_text()
    assert "wr-dark" in page.locator("#w-dc .wr").get_attribute("class")
    assert "wr-compact" in page.locator("#w-us .wr").get_attribute("class")
    national = estimate(api, "")
    assert page.locator("#w-us .wr-hourly").inner_text() == expected_ranges(national)[0]
    # The card's link points at the API, not at the host page.
    assert (
        page.locator("#w-nj .wr-source a")
        .get_attribute("href")
        .startswith(f"{api.base}/embed/wage-range/method?")
    )

    # Bad input: the div shows the host's fallback text, the page is untouched.
    assert page.locator("#w-bad .wr-fallback").inner_text() == "Pay range not available"
    assert page.locator("#host-ok").inner_text() == "host script ran"

    frame = page.frame_locator("#frame")
    frame.locator(".wr-hourly").wait_for(timeout=15_000)
    assert frame.locator(".wr-hourly").inner_text() == expected_ranges(nj)[0]
    assert frame.locator(".wr-annual").inner_text() == expected_ranges(nj)[1]
    assert "BLS OEWS, May 2025" in frame.locator(".wr-source").inner_text()
    # embed.js on the page also sizes the iframe card from the height it posts (240 px given).
    card_height = frame.locator(".wr").evaluate("el => el.getBoundingClientRect().height")
    page.wait_for_function(
        "h => Math.abs(document.getElementById('frame').getBoundingClientRect().height - h) <= 1",
        arg=card_height,
        timeout=15_000,
    )

    assert any("/embed/wage-range?" in u for u in cross_origin)
    assert page.page_errors == []
    page.screenshot(path=str(artifacts / "widget-host-page.png"), full_page=True)
    page.locator("#w-nj").screenshot(path=str(artifacts / "widget-card.png"))
    page.locator("#frame").screenshot(path=str(artifacts / "widget-iframe.png"))


def test_explorer_updates_the_estimate_when_an_input_changes(page, api: ApiServer, artifacts):
    page.goto(f"{api.base}/")
    national = estimate(api, "")
    assert page.locator("#est-hourly").inner_text() == expected_ranges(national)[0]

    # Texas with no experience: its own published 25th-75th percentile (BLS May 2025, Texas row).
    page.fill("#f-location", "TX")
    page.press("#f-location", "Enter")
    expect(page.locator("#est-annual")).to_have_text(f"$39,470 {EN_DASH} $63,970", timeout=15_000)
    assert page.locator("#est-hourly").inner_text() == f"$18.98 {EN_DASH} $30.76"

    page.fill("#f-location", "New Jersey")
    # (expect() polls without eval, which the page's CSP forbids.)
    expect(page.locator("#estimate h2")).to_contain_text("New Jersey", timeout=15_000)
    page.fill("#f-years", "3")
    body = estimate(api, "state=NJ&years=3")
    hourly, annual = expected_ranges(body)
    expect(page.locator("#est-hourly")).to_have_text(hourly, timeout=15_000)
    assert page.locator("#est-annual").inner_text() == annual
    assert "years=3" in page.url and "location=New+Jersey" in page.url
    # The explanation lists the location adjustment with its source.
    assert "State" in page.locator("#adjustments").inner_text()
    assert "Source: BLS OEWS, May 2025" in page.locator("#adjustments").inner_text()

    # Sort the states table by name, then by mean (descending): the rows follow the API's order.
    page.click("#states-table th >> text=State")
    expect(page.locator("#states-sort")).to_have_text("state name, A to Z", timeout=15_000)
    names = page.locator("#states-table tbody tr td:first-child").all_inner_texts()
    assert names == sorted(names)
    page.click("#states-table th >> text=Mean (annual)")
    expect(page.locator("#states-sort")).to_have_text("mean wage, highest first", timeout=15_000)
    codes = [r.get_attribute("data-code") for r in page.locator("#states-table tbody tr").all()]
    api_codes = [i["code"] for i in httpx.get(f"{api.base}/states?sort=-mean", timeout=10).json()["items"]]
    assert codes == api_codes

    # Both charts are real images.
    for img in page.locator("img.chart").all():
        img.scroll_into_view_if_needed()
        assert img.evaluate("el => el.complete && el.naturalWidth > 0")
    assert page.page_errors == []
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts / "explorer.png"), full_page=True)


def test_widget_falls_back_when_the_api_is_down(browser, browser_db: str, tmp_path: Path, artifacts):
    own_api = ApiServer(browser_db, tmp_path / "uvicorn.log")
    write_host_page(tmp_path / "host", own_api.base)
    host = StaticHost(tmp_path / "host")
    context = browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{host.base}/index.html")
        page.wait_for_selector("#w-nj[data-wage-range-status=ready]", timeout=15_000)

        own_api.stop()
        # New placeholders after the API went away (e.g. a job board loading more posts as one scrolls).
        page.evaluate(
            """() => {
                const a = document.createElement('div');
                a.id = 'late'; a.setAttribute('data-wage-range', ''); a.dataset.state = 'MD';
                const b = document.createElement('div');
                b.id = 'late-custom'; b.setAttribute('data-wage-range', ''); b.dataset.metro = '41940';
                b.dataset.fallback = 'Salary data offline';
                document.body.append(a, b);
                window.SalaryWageRange.scan();
            }"""
        )
        page.wait_for_selector("#late[data-wage-range-status=unavailable]", timeout=15_000)
        page.wait_for_selector("#late-custom[data-wage-range-status=unavailable]", timeout=15_000)
        assert page.locator("#late .wr-fallback").inner_text() == "Wage data are unavailable right now."
        assert page.locator("#late-custom .wr-fallback").inner_text() == "Salary data offline"
        # The cards already shown stay, and the host page still works.
        assert page.locator("#w-nj .wr-hourly").is_visible()
        assert page.locator("#host-ok").inner_text() == "host script ran"
        assert errors == []
        page.screenshot(path=str(artifacts / "widget-api-down.png"), full_page=True)

        # A first visit while the API is down: embed.js itself cannot load; the host page is unaffected
        # and shows its own placeholder text.
        cold = browser.new_context()
        try:
            p2 = cold.new_page()
            p2_errors: list[str] = []
            p2.on("pageerror", lambda exc: p2_errors.append(str(exc)))
            p2.goto(f"{host.base}/index.html")
            assert p2.locator("#host-ok").inner_text() == "host script ran"
            assert p2.locator("#w-nj").inner_text() == "Wage range loading"
            assert p2_errors == []
        finally:
            cold.close()
    finally:
        context.close()
        host.stop()
        own_api.stop()


OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || getComputedStyle(el).display === 'none') continue;
        // Inside a scroll box the box itself is checked, not what it holds.
        if (el.parentElement.closest('.table-wrap')) continue;
        if (r.right > width + 0.5 || r.left < -0.5) out.push(el.tagName + '#' + el.id + '.' + el.className);
    }
    return [document.documentElement.scrollWidth, width, out.slice(0, 10)];
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_explorer_fits_the_screen_and_flags_a_bad_field(browser, api: ApiServer, width: int, artifacts):
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{api.base}/?state=NJ&years=3&certifications=CPC")
        scroll_width, client_width, outside = page.evaluate(OVERFLOW)
        assert scroll_width <= width and client_width <= width, (scroll_width, client_width)
        assert outside == []
        # The states table fits without a scroll of its own (a phone leaves out four columns).
        wrap = page.locator("#states .table-wrap").evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert wrap[0] <= wrap[1], wrap
        visible = page.locator("#states-table thead th:visible").all_inner_texts()
        assert visible[:1] == ["State"] and ("Mean (annual)" in visible)
        assert len(visible) == (3 if width == 390 else 7)
        page.screenshot(path=str(artifacts / f"explorer-{width}.png"), full_page=True)

        # Only occupations with official figures (the four of the seed's BLS extract) are suggested.
        labels = page.locator("#occupation-words option").evaluate_all("os => os.map(o => o.label)")
        assert sorted({label[-8:-1] for label in labels}) == ["11-9111", "29-2072", "29-9021", "43-3021"]

        # A value out of range is flagged beside its field, in words; fixing it clears the flag.
        page.fill("#f-years", "60")
        expect(page.locator("#f-years-error")).to_have_text(
            "Enter whole years, from 0 to 50.", timeout=15_000
        )
        assert page.locator("#f-years").get_attribute("aria-invalid") == "true"
        assert page.locator("#f-years").get_attribute("aria-describedby") == "f-years-error"
        assert "check Years of experience" in page.locator(".estimate-error").inner_text()
        assert page.locator("#f-years-error").is_visible()
        scroll_width, _, outside = page.evaluate(OVERFLOW)
        assert scroll_width <= width and outside == []
        page.locator("#f-years").scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"explorer-{width}-bad-field.png"))
        page.fill("#f-years", "3")
        expect(page.locator("#f-years-error")).to_be_hidden(timeout=15_000)
        assert page.locator("#f-years").get_attribute("aria-invalid") is None
        expect(page.locator("#est-hourly")).to_be_visible()

        # Another occupation: its area's official range, with the reason no experience estimate is made;
        # the experience and certification the method alone uses are disabled and set aside.
        page.fill("#f-occupation", "Billing and Posting Clerks")
        pct = httpx.get(f"{api.base}/percentiles?occupation=43-3021&state=NJ", timeout=10).json()[
            "percentiles"
        ]
        expect(page.locator("#official-hourly")).to_have_text(
            f"{usd(pct['p25']['hourly'])} {EN_DASH} {usd(pct['p75']['hourly'])}", timeout=15_000
        )
        assert "applies to 29-2072" in page.locator("#method-note").inner_text()
        expect(page.locator("#f-years")).to_be_disabled()
        assert "covers medical coders (29-2072) only" in page.locator("#method-only-note").inner_text()
        # The first answer disables the fields; the page then asks again without them, and that answer's URL
        # is the one kept.
        expect(page).not_to_have_url(re.compile(r"[?&](years|certifications)="), timeout=15_000)
        scroll_width, _, outside = page.evaluate(OVERFLOW)
        assert scroll_width <= width and outside == []
        page.screenshot(path=str(artifacts / f"explorer-{width}-other-occupation.png"), full_page=True)
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/embed/wage-range?state=NJ&years=3",
        "/embed.js",
        "/charts/percentiles.svg",
        "/charts/states.svg?sort=-mean",
        "/?state=NJ&years=3",
    ],
)
def test_caching_headers_and_304_over_http(api: ApiServer, path: str):
    with httpx.Client(base_url=api.base, timeout=10) as http:
        first = http.get(path, headers={"Origin": "https://jobs.example"})
        assert first.status_code == 200
        etag = first.headers["etag"]
        assert etag.startswith('"') and not etag.startswith("W/")
        assert first.headers["cache-control"].startswith("public, max-age=")
        assert "stale-while-revalidate=" in first.headers["cache-control"]
        assert "Accept" in first.headers["vary"]
        assert first.headers["access-control-allow-origin"] == "*"
        assert first.headers["x-content-type-options"] == "nosniff"
        again = http.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == etag
        pre = http.options(
            path.split("?")[0],
            headers={"Origin": "https://jobs.example", "Access-Control-Request-Method": "GET"},
        )
        assert pre.status_code == 200 and int(pre.headers["access-control-max-age"]) > 0
