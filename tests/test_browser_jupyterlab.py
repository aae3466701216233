"""Notebook 01 in JupyterLab, in Debian's Chromium: run every cell, move the learning rate.

JupyterLab runs on 127.0.0.1 with a token, in a temporary folder holding a
copy of ``notebooks/01_*.ipynb``; its kernel runs the quick variants of the
lessons (``VIZLAB_QUICK=1``). The page runs all cells through JupyterLab's
own command (``notebook:run-all-cells``), waits for every cell to finish
without an error output, then types learning rates into the explorer's
slider readout as a student would: the picture and the regime label must
follow. Any console error fails the test, and so does any request that
leaves 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import sys
from pathlib import Path

import pytest
from browser_util import CHROMIUM, CHROMIUM_ARGS, browser_env, offline_router, serve
from conftest import import_or_skip, require_or_skip

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.browser, pytest.mark.slow]
require_or_skip(f"Chromium at {CHROMIUM}", Path(CHROMIUM).exists())
playwright_sync = import_or_skip("playwright.sync_api", "playwright")
import_or_skip("jupyterlab")
import_or_skip("ipywidgets")

NOTEBOOK = sorted((ROOT / "notebooks").glob("01_*.ipynb"))[0]
# Every code cell finished: an execution count on each, none still queued ("[*]").
CELLS_DONE = """() => {
  const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
  return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""


@pytest.fixture
def lab(tmp_path):
    shutil.copy(NOTEBOOK, tmp_path / NOTEBOOK.name)
    token = secrets.token_hex(16)
    env = browser_env(
        VIZLAB_QUICK="1",
        OMP_NUM_THREADS="1",
        JUPYTER_CONFIG_DIR=str(tmp_path / ".jupyter"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / ".runtime"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / ".workspaces"),
    )
    env.setdefault("VIZLAB_CACHE_DIR", str(ROOT / ".cache" / "runs"))

    def args(port: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            f"--port={port}",
            "--ServerApp.port_retries=0",  # a taken port fails here, not served elsewhere
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={tmp_path}",
            "--LabApp.news_url=",
            "--LabApp.extension_manager=readonly",
            "--allow-root",
            "--LabApp.expose_app_in_browser=True",
            "--LabServerApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]

    with serve(args, tmp_path, env, tmp_path / "lab.log", start_s=60) as port:
        yield f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK.name}?token={token}"


def test_notebook_01_runs_and_the_slider_redraws(lab, tmp_path):
    errors, outside = [], []

    route = offline_router(outside, font_awesome=False)

    with playwright_sync.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route("**/*", route)
            page.goto(lab, timeout=120_000)
            page.wait_for_function("() => window.jupyterapp !== undefined", timeout=120_000)
            page.locator(".jp-Notebook .jp-CodeCell").first.wait_for(timeout=120_000)
            # The kernel is up when the status says idle.
            page.wait_for_function(
                "() => document.querySelector('.jp-Notebook') &&"
                " window.jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel"
                "?.status === 'idle'",
                timeout=120_000,
            )
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.wait_for_function(CELLS_DONE, timeout=600_000, polling=1000)
            error_outputs = page.locator(".jp-OutputArea-output[data-mime-type*='error']")
            assert error_outputs.count() == 0, error_outputs.first.inner_text()
            # Every figure cell drew a picture.
            assert page.locator(".jp-OutputArea-output img").count() >= 2

            label = page.locator(".vizlab-regime").first
            picture = page.locator("img.vizlab-picture").first
            label.wait_for(timeout=120_000)
            picture.scroll_into_view_if_needed()
            playwright_sync.expect(label).to_contain_text("too small", timeout=60_000)
            readout = page.locator(".vizlab-lr .widget-readout").first
            pictures = [picture.get_attribute("src")]
            for lr, regime in [
                ("0.95", "oscillating"),
                ("1.05", "diverging"),
                ("0.3", "just right"),
            ]:
                readout.click()
                page.keyboard.press("Control+A")
                page.keyboard.type(lr)
                page.keyboard.press("Enter")
                page.wait_for_function(
                    "([el, s]) => el.src !== s",
                    arg=[picture.element_handle(), pictures[-1]],
                    timeout=60_000,
                )
                playwright_sync.expect(label).to_contain_text(regime, timeout=60_000)
                pictures.append(picture.get_attribute("src"))
            shot = tmp_path / "jupyterlab.png"
            picture.screenshot(path=str(shot))
            if os.environ.get("VIZLAB_SHOTS"):
                shutil.copy(shot, Path(os.environ["VIZLAB_SHOTS"]) / "jupyterlab_explorer.png")
        finally:
            browser.close()
    assert not outside, f"requests left 127.0.0.1: {outside}"
    assert not errors, f"console errors: {errors}"
    # Each learning rate drew its own picture.
    assert len(set(pictures)) == len(pictures) == 4
    assert all(re.match(r"^(blob:|data:)", p) for p in pictures)
    json.loads(NOTEBOOK.read_text())  # the original notebook was not touched
