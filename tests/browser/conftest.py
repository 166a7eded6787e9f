"""Real-browser fixtures: the app under uvicorn on 127.0.0.1, a static host page on another port (another
origin), and headless Chromium driven by Playwright."""

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import build_database
from tests.servers import Served


def find_chromium() -> Path:
    """``CHROMIUM``, else the first Chromium or Chrome on PATH, else Debian's path (reported when missing)."""
    if os.environ.get("CHROMIUM"):
        return Path(os.environ["CHROMIUM"])
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return Path("/usr/bin/chromium")


CHROMIUM = find_chromium()
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"browser tests need headless Chromium (on PATH, or CHROMIUM=path); not at {CHROMIUM}"
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(reason + "; REQUIRE_BROWSER is set")
    pytest.skip(reason)


class ApiServer(Served):
    """The API as operators start it (`salary-api serve`), on a free port, ready when constructed."""

    def __init__(self, database_url: str, log_path: Path) -> None:
        super().__init__(database_url, log_path)
        try:
            self.wait_ready()
        except RuntimeError:
            self.stop()
            raise


HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test job board</title>
<style>
  /* Host styles that would wreck a widget that is not isolated. */
  body {{ font-family: Georgia, serif; color: #333; margin: 16px; }}
  p, strong, section {{ color: red !important; font-size: 30px; }}
  .post {{ border: 1px solid #bbb; border-radius: 6px; padding: 10px; margin-bottom: 12px;
           max-width: 460px; }}
  .post h2 {{ font-size: 17px; margin: 0 0 6px; }}
</style></head>
<body>
<h1>Medical coding jobs</h1>
<div class="post"><h2>Medical coder, Newark NJ</h2>
  <div id="w-nj" data-wage-range data-state="NJ" data-years="3">Wage range loading</div></div>
<div class="post"><h2>Senior coder, Washington DC</h2>
  <div id="w-dc" data-wage-range data-state="DC" data-level="senior" data-certifications="CPC"
       data-theme="dark"></div></div>
<div class="post"><h2>Remote coder (national)</h2>
  <div id="w-us" data-wage-range data-compact="true"></div></div>
<div class="post"><h2>Typo in the embed</h2>
  <div id="w-bad" data-wage-range data-state="ZZ" data-fallback="Pay range not available"></div></div>
<div class="post"><h2>As an iframe</h2>
  <iframe id="frame" src="{api}/embed/wage-range?state=NJ&amp;years=3" title="Wage range for medical coders in
  New Jersey" width="440" height="240" style="border:0"></iframe></div>
<p id="host-ok">host script did not run</p>
<script>document.getElementById("host-ok").textContent = "host script ran";</script>
<script src="{api}/embed.js" async></script>
</body></html>
"""


# The snippet the README documents beside the iframe code (it applies the height the card posts).
RESIZE_SNIPPET = """<script>
addEventListener("message", function (e) {
  if (e.origin !== "{api}" || !e.data || e.data.type !== "wage-range:height") return;
  document.querySelectorAll("iframe").forEach(function (f) {
    if (f.contentWindow === e.source) f.style.height = e.data.height + "px";
  });
});
</script>"""

# Cards in every theme and size, on a tinted page (a transparent frame shows the tint at its corners).
CARDS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cards</title>
<style>
  body {{ background: #f4efe6; margin: 16px; font-family: Georgia, serif; }}
  iframe {{ border: 0; display: block; margin: 0 0 12px; }}
  #w-css {{ --wage-range-brand: #0a7d32; }}
</style></head>
<body>
<h1>Cards</h1>
<iframe id="f-light" src="{api}/embed/wage-range?state=NJ&amp;years=3" title="Pay range, light"
  width="440" height="60"></iframe>
<iframe id="f-dark" src="{api}/embed/wage-range?state=NJ&amp;years=3&amp;theme=dark" title="Pay range, dark"
  width="440" height="60"></iframe>
<iframe id="f-auto" src="{api}/embed/wage-range?state=NJ&amp;years=3&amp;theme=auto" title="Pay range, auto"
  width="440" height="60"></iframe>
<iframe id="f-bad" src="{api}/embed/wage-range?state=ZZ" title="Pay range, bad state" width="440"
  height="60"></iframe>
<iframe id="f-occ" src="{api}/embed/wage-range?occupation=43-3021&amp;state=TX"
  title="Pay range, billing clerks" width="440" height="60"></iframe>
<iframe id="f-zero" src="{api}/embed/wage-range?state=TX" title="Pay range, opens when it loads"
  width="440" height="0"></iframe>
<div id="w-occ" data-wage-range data-occupation="29-9021" data-state="CA">Pay range loading</div>
<div id="w-brand" data-wage-range data-state="TX" data-brand="#b5179e"></div>
<div id="w-css" data-wage-range data-state="TX"></div>
<div id="w-auto" data-wage-range data-state="NJ" data-years="3" data-theme="auto"></div>
{snippet}
<script src="{api}/embed.js" async></script>
</body></html>
"""


class StaticHost:
    """A second origin: a threaded http.server serving the test host pages from a directory."""

    def __init__(self, directory: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def write_host_page(directory: Path, api_base: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "index.html").write_text(HOST_PAGE.format(api=api_base), encoding="utf-8")
    snippet = RESIZE_SNIPPET.replace("{api}", api_base)
    (directory / "cards.html").write_text(CARDS_PAGE.format(api=api_base, snippet=snippet), encoding="utf-8")
    (directory / "compact.html").write_text(COMPACT_PAGE.format(api=api_base), encoding="utf-8")


# Compact cards at the documented size, without the resize snippet: the card must fit as it is. The second
# is a wide one: a long metro name and six-figure amounts (managers in San Jose).
COMPACT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Compact cards</title>
<style>iframe {{ border: 0; display: block; margin: 0 0 12px; }}</style></head><body>
<iframe id="c-nj" src="{api}/embed/wage-range?state=NJ&amp;years=3&amp;compact=true" title="Pay range"
  width="440" height="150"></iframe>
<iframe id="c-long" src="{api}/embed/wage-range?occupation=11-9111&amp;metro=41940&amp;compact=true"
  title="Pay range" width="440" height="150"></iframe>
<iframe id="c-bad" src="{api}/embed/wage-range?state=ZZ&amp;compact=true" title="Pay range"
  width="440" height="150"></iframe>
<iframe id="c-occ"
  src="{api}/embed/wage-range?occupation=43-3021&amp;state=TX&amp;compact=true&amp;theme=dark"
  title="Pay range" width="440" height="150"></iframe>
</body></html>
"""


@pytest.fixture(scope="session")
def browser_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    require_chromium()
    return build_database(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'seeded.db'}")


@pytest.fixture(scope="session")
def api(browser_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    server = ApiServer(browser_db, tmp_path_factory.mktemp("logs") / "uvicorn.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def host(api: ApiServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticHost]:
    directory = tmp_path_factory.mktemp("host")
    write_host_page(directory, api.base)
    server = StaticHost(directory)
    try:
        yield server
    finally:
        server.stop()


# Package scope: Playwright's sync API keeps an event loop on the main thread while it runs, which would
# break asyncio.run() in every test collected after the browser tests.
@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.page_errors = errors  # type: ignore[attr-defined]
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
