#!/usr/bin/env bash
# Fill the site skeleton (site/) with the crawler's output and build it.
#   tools/build-site.sh [OUTPUT_DIR] [BUILD_DIR]     (default: output build/site)
set -euo pipefail
output=${1:-output}
build=${2:-build/site}
command -v jekyll >/dev/null || { echo "jekyll is not installed: apt-get install jekyll" >&2; exit 1; }
[ -d "$output/_posts" ] || { echo "no $output/_posts: crawl first (make run)" >&2; exit 1; }
here=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$build"
mkdir -p "$build"
cp -r "$here/site/." "$build/"
# Everything the crawler wrote; _config.yml excludes its state files.
cp -r "$output/." "$build/"
jekyll build --quiet --source "$build" --destination "$build/_site"
echo "Site built: $(find "$build/_site" -name '*.html' | wc -l) pages in $build/_site"
