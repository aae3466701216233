"""The gallery site, its run cache and its kernel-free slider.

Oracles: the files the build must have written (one page per example script,
every video an example exports, every lecture scene), video metadata read
back with PyAV, the slider's embedded pictures decoded back to PNG sizes,
training-call counts for the cache, a failing example that must fail the
build and leave the previous site in place, and escaping checked on the
exact markup.
"""

from __future__ import annotations

import ast
import base64
import html
import io
import json
import os
import re
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageSequence

import vizlab
from vizlab import cache
from vizlab.gallery import lectures
from vizlab.gallery.media import GIF_WIDTH, Video
from vizlab.gallery.site import (
    broken_refs,
    forget_removed_examples,
    mirror,
    publish,
    remove_abandoned,
)
from vizlab.render.scenes import QUALITIES
from vizlab.render.static_slider import StaticSlider

pytest_plugins = ["gallery_fixture"]

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = sorted(p.name for p in (ROOT / "gallery" / "examples").iterdir() if p.is_dir())
EVIL = "<script>alert(1)</script>"
# gallery/conf.py's sphinx-gallery "thumbnail_size"
THUMBNAIL_SIZE = tuple(
    int(n)
    for n in re.search(
        r'"thumbnail_size": \((\d+), (\d+)\)', (ROOT / "gallery" / "conf.py").read_text()
    ).groups()
)


def example_files() -> list[Path]:
    """Every gallery example script."""
    return sorted((ROOT / "gallery" / "examples").glob("*/plot_*.py"))


def example_page(site: Path, script: Path) -> Path:
    """The HTML page sphinx-gallery makes from an example script."""
    return site / "auto_examples" / script.parent.name / (script.stem + ".html")


def _video_names(script: Path) -> list[str]:
    """Names passed to ``video(display, "name")`` in an example's source."""
    tree = ast.parse(script.read_text())
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "video":
            names.append(node.args[1].value)
    return names


def _slider_data(page: Path) -> list[dict]:
    text = page.read_text()
    blocks = re.findall(r'<script type="application/json">(.*?)</script>', text, re.S)
    return [json.loads(b) for b in blocks]


def _png_size(uri: str) -> tuple[int, int]:
    from PIL import Image

    raw = base64.b64decode(uri.split(",", 1)[1])
    return Image.open(io.BytesIO(raw)).size


# ---------------------------------------------------------------- the site


def _title(script: Path) -> str:
    """The first line of an example's docstring: the title sphinx-gallery gives its page."""
    return ast.get_docstring(ast.parse(script.read_text())).splitlines()[0].strip("=# ")


def test_every_page_exists(gallery_site):
    for page, heading in [("lectures.html", "Lecture videos"), ("auto_examples/index.html", "")]:
        assert "<h1>" in (gallery_site / page).read_text(), page
        assert heading in (gallery_site / page).read_text(), page
    scripts = example_files()
    assert len(scripts) >= 20
    for section in SECTIONS:
        index = (gallery_site / "auto_examples" / section / "index.html").read_text()
        # the section's index links every example of the section
        for script in (ROOT / "gallery" / "examples" / section).glob("plot_*.py"):
            assert f'href="{script.stem}.html' in index, (section, script.name)
    for script in scripts:
        # each example's page carries its docstring's title as its heading
        text = example_page(gallery_site, script).read_text()
        heading = re.search(r"<h1>(.*?)<a", text, re.S)
        assert heading and html.unescape(heading.group(1)).strip() == _title(script), script.name


def test_landing_page_links_every_topic(gallery_site):
    text = (gallery_site / "index.html").read_text()
    words = re.sub(r"<[^>]+>", "", text)
    assert "Quickstart" in words and "make gallery" in words
    for section in SECTIONS:
        assert f'href="auto_examples/{section}/index.html"' in text, section
    assert 'href="lectures.html"' in text


def test_every_example_produced_its_outputs(gallery_site):
    av = pytest.importorskip("av")
    for script in example_files():
        page = example_page(gallery_site, script)
        text = page.read_text()
        folder = page.parent
        # a still (matplotlib scraper) or a slider on every page
        stills = re.findall(r'<img src="([^"]+sphx_glr_[^"]+\.png)"', text)
        assert stills or "vizlab-slider" in text, script.name
        for src in stills:
            assert (folder / src).is_file(), src
        # the script and the notebook to download
        for suffix in (".py", ".ipynb"):
            links = re.findall(rf'href="([^"]+/{script.stem}{re.escape(suffix)})"', text)
            assert links and (folder / links[0]).is_file(), (script.name, suffix)
        # every exported animation: embedded, on disk, with MP4 + GIF downloads
        for name in _video_names(script):
            mp4 = gallery_site / "_static" / "videos" / f"{name}.mp4"
            assert f'src="../../_static/videos/{name}.mp4"' in text, name
            assert f'href="../../_static/videos/{name}.gif"' in text, name
            assert f'poster="../../_static/videos/{name}-poster.png"' in text, name
            with av.open(str(mp4)) as f:
                stream = f.streams.video[0]
                seconds = float(stream.duration * stream.time_base)
                assert stream.frames >= 10 and seconds > 0
                width, height = stream.width, stream.height
            # the GIF is the same film: GIF_WIDTH wide, the MP4's shape, about its length
            with Image.open(mp4.with_suffix(".gif")) as gif:
                assert gif.width == GIF_WIDTH, name
                assert abs(gif.height - height * GIF_WIDTH / width) <= 1, name
                ms = [frame.info["duration"] for frame in ImageSequence.Iterator(gif)]
            assert len(ms) >= 2 and abs(sum(ms) / 1000 - seconds) <= 0.15 * seconds, name


def test_thumbnails_for_every_example(gallery_site):
    for script in example_files():
        thumb = gallery_site / "_images" / f"sphx_glr_{script.stem}_thumb.png"
        with Image.open(thumb) as img:
            assert img.size == THUMBNAIL_SIZE, script.name
            colours = np.unique(np.asarray(img.convert("RGB")).reshape(-1, 3), axis=0)
        assert len(colours) > 20, script.name  # a picture, not a blank placeholder


def test_lr_slider_holds_the_whole_ladder(gallery_site):
    page = gallery_site / "auto_examples" / "03_boundaries" / "plot_lr_slider.html"
    (data,) = _slider_data(page)
    assert len(data["images"]) == len(data["labels"]) == 19
    assert data["labels"][0].startswith("r = 1e-05") and data["labels"][-1].startswith("r = 10")
    sizes = {_png_size(u) for u in data["images"]}
    assert len(sizes) == 1  # one picture size, so the page does not jump
    assert len(set(data["images"])) == 19  # every run looks different


def test_l2_slider_holds_every_strength(gallery_site):
    page = gallery_site / "auto_examples" / "05_regularization" / "plot_l2_slider.html"
    (data,) = _slider_data(page)
    assert len(data["images"]) == 11
    assert data["labels"][0].startswith("λ = 0:")


def test_lecture_videos_page(gallery_site):
    av = pytest.importorskip("av")
    text = (gallery_site / "lectures.html").read_text()
    from vizlab.render.scenes import list_scenes

    for name, _ in list_scenes():
        assert f'src="_static/videos/lectures/{name}.mp4"' in text, name
        assert f'poster="_static/videos/lectures/{name}.png"' in text, name
        # the quick build renders at the "tiny" quality: its size and frame rate
        w, h, fps, _ = QUALITIES[lectures.QUALITY["quick"]]
        with av.open(str(gallery_site / lectures.URL / f"{name}.mp4")) as f:
            stream = f.streams.video[0]
            assert (stream.width, stream.height) == (w, h), name
            assert round(float(stream.average_rate)) == fps, name
            seconds = float(stream.duration * stream.time_base)
            assert stream.frames >= 2 and abs(stream.frames - seconds * fps) <= 1, name
        with Image.open(gallery_site / lectures.URL / f"{name}.png") as poster:
            assert poster.size == (w, h), name


def test_site_has_no_broken_local_links(gallery_site):
    assert broken_refs(gallery_site) == []


def test_site_loads_nothing_from_the_internet(gallery_site):
    remote = re.compile(r'<(?:script|link|img|video|source)\b[^>]*(?:src|href)="(?:https?:)?//')
    for page in gallery_site.rglob("*.html"):
        assert not remote.search(page.read_text()), page.name


# ------------------------------------------------------- build mechanics


def _tiny_gallery(folder: Path, body: str) -> Path:
    src = folder / "src"
    (src / "examples" / "topic").mkdir(parents=True)
    (src / "conf.py").write_text(
        "extensions = ['sphinx_gallery.gen_gallery']\n"
        "exclude_patterns = ['_build', 'examples/**']\n"
        "sphinx_gallery_conf = {'examples_dirs': ['examples'], 'gallery_dirs': ['auto_examples'],"
        " 'abort_on_example_error': True, 'download_all_examples': False}\n"
    )
    (src / "index.rst").write_text("Tiny\n====\n\n.. toctree::\n\n   auto_examples/index\n")
    (src / "examples" / "README.txt").write_text("Examples\n========\n")
    (src / "examples" / "topic" / "README.txt").write_text("Topic\n-----\n")
    (src / "examples" / "topic" / "plot_one.py").write_text(f'"""\nOne\n===\n"""\n{body}\n')
    return src


def _build(src: Path, folder: Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "vizlab.gallery", "build", "--quick", "--quiet", "--no-scenes"]
    cmd += ["--source", str(src), "--out", str(folder / "html"), "--work", str(folder / "work")]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_failing_example_fails_the_build_and_keeps_the_old_site(tmp_path):
    src = _tiny_gallery(tmp_path, "print('first version')")
    first = _build(src, tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    page = tmp_path / "html" / "auto_examples" / "topic" / "plot_one.html"
    assert "first version" in page.read_text()
    assert (tmp_path / "html").is_symlink()

    (src / "examples" / "topic" / "plot_one.py").write_text(
        '"""\nOne\n===\n"""\nprint("second version")\nraise RuntimeError("broken example")\n'
    )
    second = _build(src, tmp_path)
    assert second.returncode != 0
    assert "gallery build failed" in second.stderr
    assert "first version" in page.read_text()  # the previous site, whole
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".html-")]
    assert len(leftovers) == 1  # only the published one; the failed attempt was removed


def test_publish_swaps_the_site_link_atomically(tmp_path):
    old, new = tmp_path / ".html-1", tmp_path / ".html-2"
    for d, text in ((old, "old"), (new, "new")):
        d.mkdir()
        (d / "index.html").write_text(text)
    link = tmp_path / "html"
    publish(old, link)
    assert (link / "index.html").read_text() == "old"
    publish(new, link)
    assert (link / "index.html").read_text() == "new"
    assert not old.exists()  # the replaced site is deleted, nothing else
    with pytest.raises(ValueError, match="beside"):
        publish(tmp_path, link)


def test_abandoned_builds_are_cleaned_up(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    pid = int(dead.stdout)
    link = tmp_path / "html"
    for name in (f".html-1-{pid}", f".html-2-{os.getpid()}"):
        (tmp_path / name).mkdir()
    remove_abandoned(link)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f".html-2-{os.getpid()}"]


def test_broken_refs_finds_missing_files(tmp_path):
    (tmp_path / "a.png").write_bytes(b"x")
    (tmp_path / "index.html").write_text(
        '<img src="a.png"><img src="gone.png"><a href="https://example.org/">x</a>'
        '<a href="#top">t</a><a href="page.html#s">p</a>'
    )
    assert broken_refs(tmp_path) == ["index.html -> gone.png", "index.html -> page.html"]


def test_mirror_copies_changes_only(tmp_path):
    src, dst = tmp_path / "src", tmp_path / "dst"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("a")
    (src / "sub" / "b.txt").write_text("b")
    assert mirror(src, dst) == 2
    assert mirror(src, dst) == 0
    (src / "a.txt").write_text("changed")
    (dst / "auto_examples").mkdir()  # generated: kept
    (dst / "stale.txt").write_text("gone from the source")
    assert mirror(src, dst) == 2
    assert (dst / "a.txt").read_text() == "changed"
    assert (dst / "auto_examples").is_dir() and not (dst / "stale.txt").exists()


def test_removed_examples_leave_no_orphan_pages(tmp_path):
    examples = tmp_path / "src" / "examples" / "topic"
    examples.mkdir(parents=True)
    (examples / "plot_a.py").write_text("")
    generated = tmp_path / "src" / "auto_examples" / "topic"
    assert forget_removed_examples(tmp_path)  # first build: nothing known yet
    generated.mkdir(parents=True)
    (generated / "plot_a.rst").write_text("a")
    assert not forget_removed_examples(tmp_path)  # same examples: pages kept
    assert (generated / "plot_a.rst").is_file()
    (examples / "plot_a.py").rename(examples / "plot_b.py")
    assert forget_removed_examples(tmp_path)
    assert not (tmp_path / "src" / "auto_examples").exists()


def test_serve_answers_range_requests(tmp_path):
    from vizlab.gallery.serve import make_server

    (tmp_path / "index.html").write_text("<p>hi</p>")
    (tmp_path / "v.bin").write_bytes(bytes(range(100)))
    server = make_server(tmp_path, port=0)
    assert server.server_address[0] == "127.0.0.1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/v.bin", headers={"Range": "bytes=10-19"}
        )
        with urllib.request.urlopen(req) as r:
            assert r.status == 206 and r.read() == bytes(range(10, 20))
            assert r.headers["Content-Range"] == "bytes 10-19/100"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as r:
            assert r.read() == b"<p>hi</p>"
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(ValueError, match="no site"):
        make_server(tmp_path / "nothing")


# ------------------------------------------------------------ the cache

SMALL = vizlab.RunConfig(
    dataset="xor", hidden=(3,), steps=30, grid=8, frames=3, n_points=40, device="cpu"
)


def _same(a, b):
    assert sorted(a.arrays) == sorted(b.arrays)
    for k in a.arrays:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)
    assert a.header == b.header


def test_cached_train_trains_once_and_returns_the_same_trace(tmp_path, monkeypatch):
    import vizlab.core.train as core_train

    calls = []
    real = core_train.train

    def counting(config, **kw):
        calls.append(config)
        return real(config, **kw)

    monkeypatch.setattr(core_train, "train", counting)
    first = cache.cached_train(SMALL, cache=tmp_path)
    again = cache.cached_train(SMALL, cache=tmp_path)
    assert len(calls) == 1
    _same(first, again)
    _same(again, real(SMALL))  # what training it now would give
    cache.cached_train(SMALL.replace(lr=0.2), cache=tmp_path)
    assert len(calls) == 2  # another config is another entry


def test_cached_sweep_trains_only_new_rungs(tmp_path, monkeypatch):
    import vizlab.core.sweep as core_sweep

    sizes = []
    real = core_sweep.sweep

    def counting(configs, **kw):
        sizes.append(len(configs))
        return real(configs, **kw)

    monkeypatch.setattr(core_sweep, "sweep", counting)
    ladder = [SMALL.replace(lr=lr) for lr in (0.01, 0.1, 1.0)]
    first = cache.cached_sweep(ladder[:2], cache=tmp_path)
    grown = cache.cached_sweep(ladder, cache=tmp_path)
    assert sizes == [2, 1]
    for a, b in zip(first, grown):
        _same(a, b)
    assert [t.config["lr"] for t in grown] == [0.01, 0.1, 1.0]
    cache.cached_sweep(ladder, cache=tmp_path)
    assert sizes == [2, 1]


def test_cached_descend_and_call(tmp_path, monkeypatch):
    import vizlab.core.descend as core_descend
    from vizlab.core.linreg import minibatch_descent

    calls = []
    real = core_descend.descend
    monkeypatch.setattr(core_descend, "descend", lambda *a, **kw: calls.append(a) or real(*a, **kw))
    a = cache.cached_descend("quadratic", "sgd", lr=0.3, steps=5, cache=tmp_path)
    b = cache.cached_descend("quadratic", "sgd", lr=0.3, steps=5, cache=tmp_path)
    assert len(calls) == 1
    _same(a, b)
    runs = cache.cached_call(minibatch_descent, (1, 0), steps=5, cache=tmp_path)
    again = cache.cached_call(minibatch_descent, (1, 0), steps=5, cache=tmp_path)
    assert len(runs) == len(again) == 2
    for x, y in zip(runs, again):
        _same(x, y)
    with pytest.raises(ValueError, match="landscape name"):
        cache.cached_descend(object(), cache=tmp_path)
    with pytest.raises(ValueError, match="vizlab functions"):
        cache.cached_call(len, "x", cache=tmp_path)


def test_cached_call_entry_published_by_another_process_meanwhile(tmp_path, monkeypatch):
    # Two workers fill the same many-trace entry at once: the other one's
    # complete copy lands between our check and our rename. Ours is dropped,
    # no error, and the entry reads back as the same runs.
    from vizlab.core.linreg import minibatch_descent

    args = ((1, 0),)
    runs = minibatch_descent(*args, steps=5)
    other = tmp_path / "other"
    other.mkdir()
    for i, t in enumerate(runs):
        t.save(other / f"{i}.npz")
    real = os.replace
    pending = [other]

    def replace(src, dst):
        if pending and Path(src).name.startswith(".call-") and not Path(dst).name.startswith("."):
            real(pending.pop(), dst)  # the other worker's rename wins the race
        real(src, dst)

    monkeypatch.setattr(cache.os, "replace", replace)
    got = cache.cached_call(minibatch_descent, *args, steps=5, cache=tmp_path)
    assert not pending, "the race was not staged"
    monkeypatch.setattr(cache.os, "replace", real)
    for a, b in zip(got, runs, strict=True):
        _same(a, b)
    for a, b in zip(cache.cached_call(minibatch_descent, *args, steps=5, cache=tmp_path), runs):
        _same(a, b)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no leftovers


def test_cache_recovers_from_a_damaged_entry(tmp_path):
    trace = cache.cached_train(SMALL, cache=tmp_path)
    (entry,) = tmp_path.glob("train-*.npz")
    entry.write_bytes(b"not a zip file")
    _same(cache.cached_train(SMALL, cache=tmp_path), trace)


def test_cache_key_depends_on_version_and_config(monkeypatch):
    k = cache.key("train", SMALL.to_dict())
    assert k == cache.key("train", SMALL.to_dict())
    assert k != cache.key("train", SMALL.replace(seed=1).to_dict())
    monkeypatch.setattr(cache, "__version__", "99.0")
    assert k != cache.key("train", SMALL.to_dict())


def test_cached_file_is_written_whole_or_not_at_all(tmp_path):
    def fail(path):
        path.write_bytes(b"half")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        cache.cached_file({"what": "x"}, ".bin", fail, cache=tmp_path)
    assert list(tmp_path.iterdir()) == []
    made = cache.cached_file({"what": "x"}, ".bin", lambda p: p.write_bytes(b"ok"), cache=tmp_path)
    again = cache.cached_file({"what": "x"}, ".bin", fail, cache=tmp_path)  # a hit: not called
    assert made == again and made.read_bytes() == b"ok"


# ------------------------------------------------------ the static slider


def _quad_traces():
    return [vizlab.descend("quadratic", "sgd", lr=lr, steps=4) for lr in (0.1, 0.3, 0.95)]


def test_static_slider_draws_one_picture_per_trace():
    from vizlab.render.descent import draw_descent_1d

    traces = _quad_traces()
    slider = StaticSlider.from_traces(
        traces, draw_descent_1d, ["a", "b", "c"], dpi=20, start=-1, name="lr"
    )
    assert len(slider) == 3 and slider.start == 2
    uris = slider.data_uris()
    assert {_png_size(u) for u in uris} == {(256, 144)}  # 12.8 x 7.2 in at 20 dpi
    assert len(set(uris)) == 3
    markup = slider._repr_html_()
    assert markup.count('type="range"') == 1 and 'max="2"' in markup and 'value="2"' in markup
    assert f'src="{uris[2]}"' in markup  # the start position is shown before any script runs
    data = json.loads(re.search(r'application/json">(.*?)</script>', markup, re.S).group(1))
    assert data["images"] == uris and data["labels"] == ["a", "b", "c"]


def test_static_slider_escapes_user_text(tmp_path):
    from vizlab.render.descent import draw_descent_1d

    png = StaticSlider.from_traces(_quad_traces()[:1], draw_descent_1d, ["x"], dpi=10).images[0]
    slider = StaticSlider([png, png], [EVIL, "ok & fine"], title=EVIL, caption=EVIL, name=EVIL)
    markup = slider.to_html()
    assert EVIL not in markup
    assert "<script>alert" not in markup
    assert html.escape(EVIL) in markup  # title, caption, name, label and alt, escaped
    # labels reach the script as JSON that cannot close the <script> element
    data = json.loads(re.search(r'application/json">(.*?)</script>', markup, re.S).group(1))
    assert data["labels"] == [EVIL, "ok & fine"]
    page = slider.save_html(tmp_path / "s.html").read_text()
    assert "<title>&lt;script&gt;" in page and EVIL not in page


def test_static_slider_rejects_bad_input():
    png = b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="2 pictures but 1 labels"):
        StaticSlider([png, png], ["a"])
    with pytest.raises(ValueError, match="not a PNG"):
        StaticSlider([b"GIF89a"], ["a"])
    with pytest.raises(ValueError, match="at least one"):
        StaticSlider([], [])
    with pytest.raises(ValueError, match="out of range"):
        StaticSlider([png], ["a"], start=3)


def test_video_and_lecture_text_are_escaped(tmp_path):
    v = Video(tmp_path / "a.mp4", tmp_path / "a.gif", "media/", 100, 50, caption=EVIL)
    assert EVIL not in v._repr_html_() and html.escape(EVIL) in v._repr_html_()
    from vizlab.render.scenes import list_scenes

    name = list_scenes()[0][0]
    rst = lectures.page([(name, EVIL)], "tiny", True)
    assert EVIL not in rst and html.escape(EVIL) in rst


def test_video_rejects_bad_names():
    from vizlab.gallery import video
    from vizlab.render.descent import draw_descent_1d

    display = draw_descent_1d(_quad_traces()[0])
    for bad in ("../x", "A B", ""):
        with pytest.raises(ValueError, match="video name"):
            video(display, bad)


def test_quick_mode_trims_configs(monkeypatch):
    from vizlab.gallery import pick, trim

    big = vizlab.RunConfig(steps=3000, grid=60, frames=60, record_every=10)
    monkeypatch.setenv("VIZLAB_QUICK", "0")
    assert trim(big) is big and pick(1, 2) == 1
    monkeypatch.setenv("VIZLAB_QUICK", "1")
    small = trim(big)
    assert (small.steps, small.grid, small.frames) == (150, 24, 8)
    assert small.replace(steps=3000, grid=60, frames=60, record_every=10) == big
    assert pick(1, 2) == 2


def test_gallery_command_line_usage():
    env = {**os.environ}
    out = subprocess.run(
        [sys.executable, "-m", "vizlab.gallery", "frobnicate"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 2 and "unknown command" in out.stderr
