#!/usr/bin/env bash
# Run the Splash installed by tools/splash/install.sh on loopback.
#   tools/splash/run.sh [PORT]          (default: 8050)
set -euo pipefail
venv=${SPLASH_VENV:-.splash-venv}
export QTWEBENGINE_CHROMIUM_FLAGS=--no-sandbox QT_QPA_PLATFORM=offscreen
# render.html is all the crawler uses: no Lua (/execute, /run) and no web UI,
# so a page Splash renders cannot make it run a script of the source's.
exec "$venv/bin/python" -m splash.server --ip 127.0.0.1 --port "${1:-8050}" --disable-xvfb --disable-lua --disable-ui
