#!/usr/bin/env bash
# Retake the README's screenshots of the built site (docs/site-*.png) with
# headless Chromium: crawl the bundled replica (and the seed article) with
# SITE_URL set to a local server (and once more with a category emptied: a
# failed run on the status page), build the site, serve it, shoot the home
# page, a category page, the seed post and the status page.
#   tools/screenshots.sh [--no-install] [DOCS_DIR]        (default: docs)
# Without a CJK font Chromium draws boxes for Chinese text: the font
# (fonts-wqy-zenhei) and Chromium are installed with apt-get when missing
# and we are root, unless --no-install; otherwise the tool stops, saying so.
set -euo pipefail
install=1
if [ "${1:-}" = "--no-install" ]; then install=0; shift; fi
here=$(cd "$(dirname "$0")/.." && pwd)
docs=$(mkdir -p "${1:-$here/docs}" && cd "${1:-$here/docs}" && pwd)
python=${PYTHON:-$here/.venv/bin/python}

apt_install() {
  [ "$install" = 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || return 1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
has_cjk_font() { [ -n "$(fc-list :lang=zh-cn family 2>/dev/null)" ]; }
if ! command -v fc-list >/dev/null || ! has_cjk_font; then
  apt_install fontconfig fonts-wqy-zenhei || true
  has_cjk_font || { echo "screenshots: no CJK font, Chromium would draw boxes for Chinese text: apt-get install fonts-wqy-zenhei" >&2; exit 1; }
fi
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  apt_install chromium || true
  browser=$(command -v chromium || true)
  [ -n "$browser" ] || { echo "screenshots: no Chromium: apt-get install chromium" >&2; exit 1; }
fi
[ -x "$python" ] || { echo "screenshots: no $python: make setup (or set PYTHON)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The replica, and the crawl, with back links to the local server.
cd "$here"
"$python" -m newscrawler.replica --port 0 --size 300 --seed 7 --extra tests/fixtures/seed >"$work/replica.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -qs "replica serving" "$work/replica.log" && break; sleep 0.1; done
replica=$(grep -os "http://[0-9.:]*" "$work/replica.log" | head -1)
[ -n "$replica" ] || { echo "screenshots: the replica did not start: $(cat "$work/replica.log")" >&2; exit 1; }
port=$(free_port)
for spider in rolling category webapi; do
  "$python" -m scrapy crawl "$spider" -a "base_url=$replica" -s "OUTPUT_DIR=$work/output" \
    -s "SITE_URL=127.0.0.1:$port" -s LOG_LEVEL=WARNING -s "LOG_FILE=$work/$spider.log"
done
# A failed run for the status page: a category the index no longer lists.
"$python" -m scrapy crawl category -a "base_url=$replica" -a categories=dzrb,cqrb,nosuchcategory \
  -s "OUTPUT_DIR=$work/output" -s "SITE_URL=127.0.0.1:$port" -s LOG_LEVEL=WARNING -s "LOG_FILE=$work/failed.log" || true
tools/build-site.sh "$work/output" "$work/build" >/dev/null

"$python" -m http.server "$port" --bind 127.0.0.1 --directory "$work/build/_site" >"$work/http.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do "$python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break; sleep 0.1; done

shoot() {  # shoot NAME PATH HEIGHT
  "$browser" --headless=new --no-sandbox --disable-gpu --hide-scrollbars --lang=zh-CN \
    --window-size="1000,$3" --screenshot="$docs/$1" "http://127.0.0.1:$port$2" >"$work/chromium.log" 2>&1 \
    || { echo "screenshots: Chromium failed on $2: $(tail -3 "$work/chromium.log")" >&2; exit 1; }
}
shoot site-home.png / 1300
shoot site-category.png /category/dazhongribao.html 1100
shoot site-post.png /dazhongribao/2022/01/18/NW202201182251444627.html 1500
shoot site-status.png /status.html 1100
echo "Screenshots in $docs: site-home.png site-category.png site-post.png site-status.png"
