# newscrawler: `make run` crawls the bundled replica; `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup run test cluster clean replica splash splash-install site screenshots scrapyd scrapyd-conf deploy schedule bench bench-full

setup: $(STAMP)

$(STAMP): requirements.txt requirements-scrapyd.txt requirements-dev.txt setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	# The project itself (editable): its commands, such as newscrawler-schedule.
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

run: setup
	$(BIN)/python -m newscrawler.demo --output output

test: setup
	$(BIN)/python -m pytest

# A local Scrapyd on http://127.0.0.1:6800 (state in .scrapyd/), until Ctrl-C.
SCRAPYD_DIR  ?= .scrapyd
SCRAPYD_PORT ?= 6800
scrapyd: setup scrapyd-conf
	cd $(SCRAPYD_DIR) && $(abspath $(BIN))/scrapyd

# Its config: eggs, logs, items (the runs' feeds, listjobs.json's items_url)
# and job databases in SCRAPYD_DIR; a poll every second. The empty
# scrapy.cfg hides the project's own from Scrapyd, which would list its
# [settings] as a stray project "default".
scrapyd-conf:
	mkdir -p $(SCRAPYD_DIR)
	printf '[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = %s\neggs_dir = eggs\nlogs_dir = logs\nitems_dir = items\ndbs_dir = dbs\npoll_interval = 1\n' $(SCRAPYD_PORT) > $(SCRAPYD_DIR)/scrapyd.conf
	printf '# Hides ../scrapy.cfg from Scrapyd (see the Makefile).\n' > $(SCRAPYD_DIR)/scrapy.cfg

# Build the egg and send it to the Scrapyd of scrapy.cfg's [deploy] target.
deploy: setup
	$(BIN)/scrapyd-deploy

# Schedule the category spider on that Scrapyd every 5 minutes against the
# replica on :8000 (make replica), writing into ./output; Ctrl-C stops.
schedule: setup
	$(BIN)/python -m newscrawler.scheduler --every 300 -a base_url=http://127.0.0.1:8000 -s OUTPUT_DIR=$(CURDIR)/output

# The benchmark (README, "Performance"): ~9 minutes; results in bench/results/latest.json.
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

# Redis, the replica, three workers and the writer on this machine
# (README, "Many machines"); the site in output-cluster/. Redis is
# installed with apt-get when missing (as root).
cluster: setup
	command -v redis-server >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server
	$(BIN)/python -m newscrawler.cluster.local --workers 3 --output output-cluster

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
