# newscrawler: `make run` crawls the bundled replica; `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup run test clean replica splash splash-install site

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

# Fill the Jekyll skeleton (site/) with ./output and build it into build/site/_site.
site:
	tools/build-site.sh output build/site

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
	rm -rf output build .pytest_cache
