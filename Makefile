# newscrawler: `make run` crawls the bundled replica; `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup run test clean replica splash splash-install site screenshots scrapyd deploy schedule bench bench-full

setup: $(STAMP)

$(STAMP): requirements.txt requirements-scrapyd.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: setup
	$(BIN)/python -m newscrawler.demo --output output

test: setup
	$(BIN)/python -m pytest

# A local Scrapyd on http://127.0.0.1:6800 (state in .scrapyd/), until Ctrl-C.
scrapyd: setup
	mkdir -p .scrapyd && cd .scrapyd && printf '[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = 6800\n' > scrapyd.conf && ../$(BIN)/scrapyd

# Build the egg and send it to the Scrapyd of scrapy.cfg's [deploy] target.
deploy: setup
	$(BIN)/scrapyd-deploy

# Schedule the category spider on that Scrapyd every 5 minutes against the
# replica on :8000 (make replica), writing into ./output; Ctrl-C stops.
schedule: setup
	$(BIN)/python -m newscrawler.scheduler --every 300 -a base_url=http://127.0.0.1:8000 -s OUTPUT_DIR=$(CURDIR)/output

# The benchmark (README, "Performance"): ~8 minutes; results in bench/results/latest.json.
bench: setup
	$(BIN)/python -m bench.run

# The same with peak RSS measured at 100k articles too (~16 minutes).
bench-full: setup
	$(BIN)/python -m bench.run --memory-sizes 10000,100000

# Fill the Jekyll skeleton (site/) with ./output and build it into build/site/_site.
site:
	tools/build-site.sh output build/site

# Retake the README's screenshots (docs/site-*.png) with headless Chromium
# and a CJK font (both installed with apt-get when missing, as root).
screenshots: setup
	PYTHON=$(BIN)/python tools/screenshots.sh

# Serve the replica on http://127.0.0.1:8000 until Ctrl-C.
replica: setup
	$(BIN)/python -m newscrawler.replica --port 8000

# Install Splash 3.5 (Debian packages, root) into .splash-venv, and run it on
# http://127.0.0.1:8050 until Ctrl-C. Crawl through it with -s SPLASH_URL=...
splash-install:
	tools/splash/install.sh

splash: splash-install
	tools/splash/run.sh 8050

clean:
	rm -rf output build .pytest_cache .scrapyd *.egg-info
