"""The Playground in a real browser: Voila on 127.0.0.1, Debian's Chromium, Playwright.

Press play: the field and the step counter change. Select one more input
feature: the network graph gains the links of its weights. The code the
page shows, run here, reproduces the run: the same training loss at the
same step. No console error, and no request leaves 127.0.0.1 (Voila's
Font Awesome CSS request is answered with an empty sheet, as in the
explorer's browser test).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_util import CHROMIUM, CHROMIUM_ARGS, offline_router, voila_notebook
from conftest import import_or_skip, require_or_skip

pytestmark = [pytest.mark.browser]
require_or_skip(f"Chromium at {CHROMIUM}", Path(CHROMIUM).exists())
playwright_sync = import_or_skip("playwright.sync_api", "playwright")
import_or_skip("nbformat")
import_or_skip("voila")

PLAYGROUND = (
    "import vizlab\n"
    "from vizlab.widgets import Playground\n"
    "Playground(vizlab.RunConfig(dataset='circles', n_points=120, hidden=(3,), "
    "optimizer='adam', lr=0.03, batch_size=10, steps=400, grid=24, frames=20))"
)

# The status (not training) and the code box, once the code reruns to the step shown.
SETTLED = """() => {
  const status = document.querySelector('.vizlab-status')?.innerText ?? '';
  const code = document.querySelector('.vizlab-code pre')?.textContent ?? '';
  const step = status.match(/step (\\d+) of/);
  return !status.includes('training') && step !== null
    && code.includes(`run.step(${step[1]})`) && [status, code];
}"""


@pytest.fixture
def voila_url(tmp_path):
    with voila_notebook(tmp_path, "playground.ipynb", PLAYGROUND) as url:
        yield url


def _links(page) -> int:
    return page.locator(".vizlab-graph line.link").count()


def test_playground_in_voila(voila_url, tmp_path):
    errors, outside = [], []

    route = offline_router(outside)
    expect = playwright_sync.expect
    with playwright_sync.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1200})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route("**/*", route)
            page.goto(voila_url, timeout=120_000)
            status = page.locator(".vizlab-status")
            status.wait_for(timeout=120_000)
            expect(status).to_contain_text("step 0 of 400", timeout=60_000)
            picture = page.locator("img.vizlab-picture")
            first = picture.get_attribute("src")
            assert _links(page) == 2 * 3 + 3
            # play: the counter and the field move
            page.locator(".vizlab-play").click()
            expect(status).to_contain_text(re.compile(r"step [1-9]\d* of 400"), timeout=60_000)
            page.wait_for_function(
                "s => document.querySelector('img.vizlab-picture').src !== s", arg=first
            )
            page.locator(".vizlab-play").click()  # pause
            expect(status).not_to_contain_text("training", timeout=60_000)
            # one more input feature: its three links appear in the graph
            page.locator(".vizlab-features select").select_option(["x1", "x2", "x1^2"])
            page.wait_for_function(
                "() => document.querySelectorAll('.vizlab-graph line.link').length === 12",
                timeout=60_000,
            )
            page.locator(".vizlab-play").click()
            expect(status).to_contain_text(re.compile(r"step [1-9]\d* of 400"), timeout=60_000)
            page.locator(".vizlab-play").click()
            expect(status).not_to_contain_text("training", timeout=60_000)
            # The status and the code box are two widgets, updated one message
            # apart (and a click may still be on its way): read both at once,
            # when they name the same step.
            shown, code = page.wait_for_function(SETTLED, timeout=60_000).json_value()
            page.screenshot(path=str(tmp_path / "playground.png"), full_page=True)
        finally:
            browser.close()
    assert not outside, f"requests left 127.0.0.1: {outside}"
    assert not errors, f"console errors: {errors}"
    # The page's code reruns the run to the step shown: the same training loss.
    step = int(re.search(r"step (\d+) of", shown).group(1))
    loss = float(re.search(r"train loss ([\d.]+)", shown).group(1))
    assert f"run.step({step})" in code and "features=('x1', 'x2', 'x1^2')" in code
    scope: dict = {}
    exec(code.replace('.save("playground.png")', ""), scope)
    trace = scope["run"].trace()
    assert int(trace.steps[-1]) == step
    assert float(trace["scalar/loss_train"][-1]) == pytest.approx(loss, abs=6e-4)
