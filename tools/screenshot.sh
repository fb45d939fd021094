#!/usr/bin/env bash
# A PNG of a page as a browser shows it (headless Chromium; CJK text needs
# fonts-wqy-zenhei):  tools/screenshot.sh PAGE.html OUT.png [WIDTH] [HEIGHT]
set -euo pipefail
page=${1:?usage: tools/screenshot.sh PAGE.html OUT.png [WIDTH] [HEIGHT]}
out=${2:?usage: tools/screenshot.sh PAGE.html OUT.png [WIDTH] [HEIGHT]}
command -v chromium >/dev/null || { echo "chromium is not installed: apt-get install chromium fonts-wqy-zenhei" >&2; exit 1; }
case $page in http://*|https://*|file://*) url=$page ;; *) url="file://$(realpath "$page")" ;; esac
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="${3:-1000},${4:-900}" \
  --screenshot="$(realpath -m "$out")" "$url" 2>/dev/null
echo "Screenshot of $url in $out"
