"""The learning-rate explorer in a real browser: Voila on 127.0.0.1, Debian's Chromium, Playwright.

Type a learning rate into the slider's readout, as a student would, and
check that the picture changes and the regime label follows, with no console
error. The end-to-end latency (Enter pressed -> new picture in the page) is
measured inside the page and printed.

Offline, Voila's page would ask a CDN for Font Awesome's CSS. The same CSS
already ships inside Voila's widget bundle, so that one request is answered
here with an empty stylesheet; every other request to a host other than
127.0.0.1 is refused and makes the test fail.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
from pathlib import Path

import pytest
from browser_util import CHROMIUM, CHROMIUM_ARGS, offline_router, voila_notebook
from conftest import import_or_skip, require_or_skip

pytestmark = [pytest.mark.browser]
require_or_skip(f"Chromium at {CHROMIUM}", Path(CHROMIUM).exists())
playwright_sync = import_or_skip("playwright.sync_api", "playwright")
import_or_skip("nbformat")
import_or_skip("voila")

# In the page: remember when Enter goes down in the readout and when the
# picture's src changes, on the page's own clock.
WATCH = """() => {
  const img = document.querySelector('img.vizlab-picture');
  window.__vz = {key: 0, img: 0, src: img.src};
  document.addEventListener('keydown', e => { if (e.key === 'Enter') window.__vz.key = performance.now(); }, true);
  new MutationObserver(() => {
    if (img.src !== window.__vz.src) { window.__vz.img = performance.now(); window.__vz.src = img.src; }
  }).observe(img, {attributes: true, attributeFilter: ['src']});
}"""


@pytest.fixture
def voila_url(tmp_path):
    source = 'from vizlab.widgets import LearningRateExplorer\nLearningRateExplorer("quadratic", lr=0.01)'
    with voila_notebook(tmp_path, "explorer.ipynb", source) as url:
        yield url


def test_learning_rate_slider_in_voila(voila_url, tmp_path):
    errors, outside = [], []

    route = offline_router(outside)

    with playwright_sync.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1000})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route("**/*", route)
            page.goto(voila_url, timeout=90_000)
            label = page.locator(".vizlab-regime")
            label.wait_for(timeout=90_000)
            picture = page.locator("img.vizlab-picture")
            playwright_sync.expect(label).to_contain_text("too small", timeout=30_000)
            playwright_sync.expect(picture).to_have_attribute("src", re.compile(r"^blob:|^data:"))
            page.evaluate(WATCH)
            readout = page.locator(".vizlab-lr .widget-readout")
            latencies, pictures = [], []
            for lr, regime in [
                ("0.95", "oscillating"),
                ("1.05", "diverging"),
                ("0.3", "just right"),
                ("0.02", "too small"),
                ("0.9", "oscillating"),
                ("1.2", "diverging"),
            ]:
                before = page.evaluate("window.__vz.src")
                readout.click()
                page.keyboard.press("Control+A")
                page.keyboard.type(lr)
                page.keyboard.press("Enter")
                page.wait_for_function("s => window.__vz.src !== s", arg=before, timeout=30_000)
                playwright_sync.expect(label).to_contain_text(regime, timeout=30_000)
                latencies.append(page.evaluate("window.__vz.img - window.__vz.key"))
                pictures.append(page.evaluate("window.__vz.src"))
            shot = tmp_path / "voila.png"
            page.screenshot(path=str(shot), full_page=True)
            if os.environ.get("VIZLAB_SHOTS"):
                shutil.copy(shot, Path(os.environ["VIZLAB_SHOTS"]) / "voila_explorer.png")
        finally:
            browser.close()
    assert not outside, f"requests left 127.0.0.1: {outside}"
    assert not errors, f"console errors: {errors}"
    ms = sorted(latencies)
    print(
        f"\nend-to-end latency, Enter -> new picture: median {statistics.median(ms):.0f} ms, "
        f"max {ms[-1]:.0f} ms over {len(ms)} changes"
    )
    # Every rate drew its own picture (0.95 and 0.9 are both oscillating, yet differ).
    assert len(pictures) == 6 and len(set(pictures)) == 6
