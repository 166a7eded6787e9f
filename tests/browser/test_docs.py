"""Issue 11 §9: /docs and /redoc work offline, under their own strict CSP, in real Chromium: the viewers
come from this service, and every operation of /openapi.json is listed."""

import httpx
import pytest

from tests.browser.conftest import ApiServer

pytestmark = pytest.mark.browser


def _operations(api: ApiServer) -> list[tuple[str, str]]:
    spec = httpx.get(f"{api.base}/openapi.json").json()
    return [(method.upper(), path) for path, item in spec["paths"].items() for method in item]


def _watch(page, api: ApiServer) -> tuple[list[str], list[str]]:
    """Requests to any other origin that got through, and console errors other than the CSP blocking
    ReDoc's "by Redocly" logo (an image from its CDN that ReDoc hides when it cannot load)."""
    elsewhere: list[str] = []
    console: list[str] = []
    local = (api.base, "data:", "blob:")
    page.on("requestfinished", lambda r: None if r.url.startswith(local) else elsewhere.append(r.url))
    page.on(
        "console",
        lambda m: console.append(m.text) if m.type == "error" and "cdn.redoc.ly" not in m.text else None,
    )
    return elsewhere, console


def test_swagger_ui_lists_every_operation_offline(api: ApiServer, page, artifacts):
    elsewhere, console = _watch(page, api)
    response = page.goto(f"{api.base}/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert (
        "unsafe-inline"
        not in response.headers["content-security-policy"].split("script-src")[1].split(";")[0]
    )
    page.wait_for_selector(".opblock", timeout=20_000)
    listed = {
        (
            block.query_selector(".opblock-summary-method").inner_text().strip(),
            block.query_selector(".opblock-summary-path").get_attribute("data-path"),
        )
        for block in page.query_selector_all(".opblock")
    }
    page.screenshot(path=str(artifacts / "docs-swagger.png"))
    assert set(_operations(api)) <= listed
    assert elsewhere == [] and console == []
    assert page.page_errors == []


def test_redoc_lists_every_operation_offline(api: ApiServer, page, artifacts):
    elsewhere, console = _watch(page, api)
    page.goto(f"{api.base}/redoc")
    page.wait_for_selector("[data-section-id^='operation/'], [id^='operation/']", timeout=30_000)
    sections = page.eval_on_selector_all(
        "[id^='operation/'], [data-section-id^='operation/']",
        "els => [...new Set(els.map(e => e.id || e.getAttribute('data-section-id')))]",
    )
    page.screenshot(path=str(artifacts / "docs-redoc.png"))
    assert len(sections) >= len(_operations(api))
    assert elsewhere == [] and console == []
    assert page.page_errors == []
