"""Every page of the built gallery in headless Chromium, as a student's browser sees it.

Served on 127.0.0.1 from the quick build shared with ``test_gallery.py``;
Debian's Chromium driven by Playwright, with the network closed: any request
to another host is refused and counted as a failure. Per page: no console
errors or uncaught exceptions, no failed or 4xx/5xx requests, every local
link target exists, every image decoded (natural width > 0), every video
reports a positive duration. On the slider pages, moving the slider must
change the picture and its label.
"""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from browser_util import CHROMIUM, CHROMIUM_ARGS
from conftest import import_or_skip, require_or_skip

pytestmark = pytest.mark.browser
pytest_plugins = ["gallery_fixture"]

SLIDER_PAGES = [
    "auto_examples/03_boundaries/plot_lr_slider.html",
    "auto_examples/05_regularization/plot_l2_slider.html",
]


@pytest.fixture(scope="module")
def server(gallery_site):
    from vizlab.gallery.serve import make_server

    httpd = make_server(gallery_site, port=0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    sync_api = import_or_skip("playwright.sync_api", "playwright")
    require_or_skip(f"Debian's chromium ({CHROMIUM})", Path(CHROMIUM).is_file())
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class PageWatch:
    """Console errors, page errors, failed requests and foreign hosts seen by one page."""

    def _failed(self, request) -> None:
        # A video element stops its download once it has what preload asks for;
        # Chromium reports that as ERR_ABORTED. The duration check covers videos.
        if request.resource_type == "media" and "ERR_ABORTED" in (request.failure or ""):
            return
        self.problems.append(f"failed: {request.url} ({request.failure})")

    def __init__(self, context, base: str):
        self.problems: list[str] = []
        host = urlparse(base).netloc
        self.page = context.new_page()

        def route(r):
            if urlparse(r.request.url).netloc == host or r.request.url.startswith("data:"):
                r.continue_()
            else:
                self.problems.append(f"request to another host: {r.request.url}")
                r.abort()

        self.page.route("**/*", route)
        self.page.on(
            "console",
            lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"),
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", self._failed)
        self.page.on(
            "response",
            lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"),
        )


def _pages(site: Path) -> list[str]:
    return sorted(
        str(p.relative_to(site)) for p in site.rglob("*.html") if "_static" not in p.parts
    )


def _check_links(page, site: Path, rel: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    bad = []
    for href in hrefs:
        parsed = urlparse(href)
        if parsed.scheme or parsed.netloc or not parsed.path:
            continue  # other sites (never fetched here) and in-page anchors
        target = (site / rel).parent / parsed.path
        if parsed.path.endswith("/"):
            target = target / "index.html"
        if not target.resolve().exists():
            bad.append(f"broken link {href}")
    return bad


def test_every_page_loads_cleanly(gallery_site, server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pages = _pages(gallery_site)
    assert len(pages) > 25
    report = {}
    videos_seen = 0
    for rel in pages:
        watch = PageWatch(context, server)
        page = watch.page
        page.goto(server + rel, wait_until="load")
        problems = list(watch.problems)
        problems += _check_links(page, gallery_site, rel)
        images = page.eval_on_selector_all(
            "img", "els => els.map(e => [e.currentSrc.slice(0, 80), e.complete, e.naturalWidth])"
        )
        problems += [f"image not decoded: {src}" for src, done, w in images if not (done and w > 0)]
        durations = page.eval_on_selector_all(
            "video",
            """els => Promise.all(els.map(v => new Promise(done => {
                if (v.readyState >= 1) return done(v.duration);
                v.addEventListener('loadedmetadata', () => done(v.duration), {once: true});
                v.addEventListener('error', () => done(-1), {once: true});
                v.load();
                setTimeout(() => done(-2), 15000);
            })))""",
        )
        videos_seen += len(durations)
        problems += [f"video {i} has duration {d}" for i, d in enumerate(durations) if not d > 0]
        if problems:
            report[rel] = problems
        page.close()
    context.close()
    assert report == {}
    assert videos_seen >= 20  # the examples' animations and the lecture videos


@pytest.mark.parametrize("rel", SLIDER_PAGES)
def test_moving_the_slider_changes_picture_and_label(gallery_site, server, browser, rel):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watch = PageWatch(context, server)
    page = watch.page
    page.goto(server + rel, wait_until="load")
    slider = page.locator(".vizlab-slider").first
    img, label, knob = slider.locator("img"), slider.locator("output"), slider.locator("input")
    before = (img.get_attribute("src"), label.inner_text(), knob.input_value())
    n = int(knob.get_attribute("max"))
    target = "0" if before[2] != "0" else str(n)
    knob.fill(target)  # sets the value and fires input/change, as a drag does
    after = (img.get_attribute("src"), label.inner_text(), knob.input_value())
    assert after[2] == target
    assert after[0] != before[0] and after[0].startswith("data:image/png;base64,")
    assert after[1] != before[1] and after[1]
    # keyboard: one step right moves one rung
    knob.focus()
    page.keyboard.press("ArrowRight" if target == "0" else "ArrowLeft")
    moved = (img.get_attribute("src"), label.inner_text())
    assert moved[0] != after[0] and moved[1] != after[1]
    assert watch.problems == []
    context.close()
