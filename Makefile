# One command per job. Each job installs what it needs first (Debian packages,
# a virtual environment, the CPU torch wheel), so a fresh machine needs only
# Python 3.11, pip and root.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.vizlab-installed
APT_STAMP := .cache/apt-installed
# Debian packages: cairo/pango for manim, LaTeX for MathTex, Chromium for browser tests.
APT_PACKAGES := libcairo2-dev libpango1.0-dev pkg-config chromium chromium-driver \
	texlive-latex-base texlive-latex-recommended texlive-latex-extra \
	texlive-fonts-recommended dvisvgm
# Pinned allocator thresholds: glibc's defaults make some fresh processes 3-5x
# slower on this workload, which would make benchmark ratios meaningless.
BENCH_ENV := MALLOC_MMAP_THRESHOLD_=67108864 MALLOC_TRIM_THRESHOLD_=134217728

.PHONY: setup test gallery serve bench lint format clean

setup: $(STAMP)

# The stamp is written only when apt-get really installed the packages: a
# failed install stops make, and a machine without apt-get gets a reminder
# (and no stamp) on every run. Order-only (|), so the reminder never forces
# a rebuild of the virtual environment.
$(APT_STAMP):
	@mkdir -p .cache
	@if command -v apt-get >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) && \
		touch $@; \
	else echo "apt-get not found: install $(APT_PACKAGES) yourself"; fi

$(STAMP): pyproject.toml | $(APT_STAMP)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# The CPU wheel first: a bare torch requirement would pull a multi-GB CUDA build.
	$(PY) -m pip install -q "torch==2.13.0"
	$(PY) -m pip install -q -e ".[video,widgets,gallery,tensorboard,dev]"
	@touch $@

test: setup
	$(PY) -m pytest -q -n 2 --durations=15

gallery: setup
	$(PY) -m vizlab.gallery build

serve: setup
	$(PY) -m vizlab.gallery serve

bench: setup
	$(BENCH_ENV) $(PY) benchmarks/run.py

lint: setup
	$(PY) -m ruff check vizlab tests scenes gallery benchmarks
	$(PY) -m ruff format --check vizlab tests scenes gallery benchmarks

format: setup
	$(PY) -m ruff format vizlab tests scenes gallery benchmarks
	$(PY) -m ruff check --fix vizlab tests scenes gallery benchmarks

clean:
	rm -rf gallery/_build gallery/auto_examples media .cache/runs
