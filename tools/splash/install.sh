#!/usr/bin/env bash
# Install Splash 3.5 from Debian's PyQt5 packages into a venv (DEVELOPERS.md).
#   tools/splash/install.sh [VENV]      (default: .splash-venv)
# Needs root for apt-get when the Debian packages are missing. Idempotent.
set -euo pipefail
venv=${1:-${SPLASH_VENV:-.splash-venv}}
packages=(python3-pyqt5.qtwebkit python3-pyqt5.qtwebengine python3-qt5reactor python3-lupa
          python3-twisted python3-psutil python3-pil python3-xvfbwrapper python3-attr
          python3-funcparserlib python3-venv)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "Splash needs these Debian packages; install them as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

if ! "$venv/bin/python" -c "import splash" 2>/dev/null; then
  /usr/bin/python3 -m venv --system-site-packages "$venv"
  "$venv/bin/pip" install --quiet --no-deps splash==3.5 adblockparser
fi

# Upstream fix of splash PR 1053: json.loads lost its `encoding` argument in
# Python 3.9; without this every POST from scrapy-splash is a 500.
site=$("$venv/bin/python" -c "import os, splash; print(os.path.dirname(splash.__file__))")
sed -i "s/json.loads(content, encoding='utf8')/json.loads(content)/" "$site/render_options.py"
sed -i "s/json.loads(f.read().decode('utf-8'), encoding='utf8')/json.loads(f.read().decode('utf-8'))/" "$site/kernel/inspections.py"
"$venv/bin/python" -c "import splash; print('Splash', splash.__version__, 'is installed in $venv')"
