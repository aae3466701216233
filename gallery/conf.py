"""Sphinx configuration of the vizlab gallery (built by ``python -m vizlab.gallery build``).

Examples live in ``examples/<topic>/plot_*.py``; sphinx-gallery runs each one
and turns it into a page, a notebook and a script download. Quick mode
(``VIZLAB_QUICK=1``) is read by the examples themselves. Everything the pages
load is served from the site itself: no fonts, scripts or styles from the
internet.
"""

import os
import sys
from pathlib import Path

import vizlab

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for sg_order

project = "vizlab"
author = "vizlab contributors"
copyright = "vizlab contributors"  # noqa: A001 - sphinx's name
release = version = vizlab.__version__

# Maths is rendered to SVG at build time (LaTeX + dvisvgm) and embedded in the
# page: MathJax, sphinx's default, would load from a CDN.
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "sphinx.ext.imgmath",
]
imgmath_image_format = "svg"
imgmath_embed = True
imgmath_font_size = 14
exclude_patterns = ["_build", "_templates", "**.ipynb_checkpoints", "examples/**", "sg_order.py"]

# The API reference (api/*.rst): autosummary writes one page per object into
# api/generated/ from the templates in _templates/autosummary/, numpydoc renders
# the docstrings. Type hints stay in the signatures' text, not as cross-references.
autosummary_generate = True
autodoc_typehints = "none"
autodoc_member_order = "bysource"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
templates_path = ["_templates"]
html_static_path = ["_static"]
html_css_files = ["vizlab.css"]
html_title = "vizlab gallery"
html_favicon = "_static/favicon.svg"
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = False

html_theme = "pydata_sphinx_theme"
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": True,
    "show_toc_level": 1,
    "navbar_align": "left",
    "navbar_end": ["theme-switcher"],
    "footer_start": ["copyright"],
    "footer_end": [],
    # Wide figures matter more than an in-page table of contents.
    "secondary_sidebar_items": {"**": [], "index": ["page-toc"]},
    "header_links_before_dropdown": 8,
}
# The figures are drawn on white; the theme switcher still offers dark.
html_context = {"default_mode": "light"}
html_sidebars = {"index": [], "lectures": []}

sphinx_gallery_conf = {
    "examples_dirs": ["examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/plot_",
    "within_subsection_order": "sg_order.TeachingOrder",
    "abort_on_example_error": True,
    "image_scrapers": ("matplotlib",),
    # Only rich HTML output (a slider, a video) is shown; plain reprs stay out of the page.
    "capture_repr": ("_repr_html_",),
    "remove_config_comments": True,
    "download_all_examples": False,
    "show_signature": False,
    "write_computation_times": False,
    "thumbnail_size": (400, 225),
    "matplotlib_animations": False,
    "first_notebook_cell": "%matplotlib inline",
    # "Examples using this" on each reference page, and every vizlab name in an
    # example's code linked to its reference page.
    "doc_module": ("vizlab",),
    "reference_url": {"vizlab": None},
    "backreferences_dir": "gen_modules/backreferences",
    # Examples run in this many processes at once (set by the build; 1 = in-process).
    "parallel": int(os.environ.get("VIZLAB_GALLERY_WORKERS", "1")),
}


def _check_api_reference(app) -> None:
    """Fail the build when a public object is off the reference or badly documented."""
    from sphinx.errors import ExtensionError
    from sphinx.util import logging

    logger = logging.getLogger("vizlab.apidoc")

    from vizlab.gallery.apidoc import check_pages, pages_digest

    api = Path(app.srcdir) / "api"
    stamp = Path(app.doctreedir) / "api-check.digest"
    digest = pages_digest(api)
    if stamp.is_file() and stamp.read_text() == digest:
        return  # nothing it reads changed since it last passed
    problems, known = check_pages(api)
    if known:
        logger.info(f"API reference: {len(known)} known docstring gaps (see KNOWN_GAPS)")
    if problems:
        raise ExtensionError(
            f"the API reference is incomplete ({len(problems)} problems; list new public "
            "objects in an autosummary block of gallery/api/*.rst, give them numpydoc "
            "docstrings):\n  " + "\n  ".join(problems)
        )
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(digest)


def setup(app) -> None:
    # Before sphinx-gallery's own builder-inited handler runs the examples (500).
    app.connect("builder-inited", _check_api_reference, priority=100)
