#!/usr/bin/env bash
# Fill the site skeleton (site/) with the crawler's output and build it.
#   tools/build-site.sh [OUTPUT_DIR] [BUILD_DIR]     (default: output build/site)
# Environment:
#   BASEURL=/path      serve the site under /path (the site's own links follow)
#   URL=https://host   the site's public origin: feeds then carry absolute links
set -euo pipefail
output=${1:-output}
build=${2:-build/site}
command -v jekyll >/dev/null || { echo "jekyll is not installed: apt-get install jekyll" >&2; exit 1; }
ruby -e 'require "jekyll-feed"; require "jekyll-paginate"' 2>/dev/null || {
  echo "jekyll-feed or jekyll-paginate is missing: apt-get install ruby-jekyll-feed ruby-jekyll-paginate" >&2; exit 1; }
[ -d "$output/_posts" ] || { echo "no $output/_posts: crawl first (make run)" >&2; exit 1; }
here=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$build"
mkdir -p "$build"
cp -r "$here/site/." "$build/"
# Everything the crawler wrote; _config.yml excludes its state files.
cp -r "$output/." "$build/"
config="$build/_config.yml"
if [ -n "${URL:-}" ]; then
  printf 'url: "%s"\n' "${URL%/}" > "$build/_config.url.yml"
  config="$config,$build/_config.url.yml"
fi
# Jekyll reports two posts that would share one page as a warning and
# builds one of them: that is a failure here, as is any error.
log=$(jekyll build --source "$build" --destination "$build/_site" --config "$config" \
      ${BASEURL:+--baseurl "$BASEURL"} 2>&1) || { echo "$log" >&2; exit 1; }
if grep -qE "Conflict:|Error" <<<"$log"; then
  echo "$log" >&2
  echo "jekyll build: a conflict or an error (above)" >&2
  exit 1
fi
echo "Site built: $(find "$build/_site" -name '*.html' | wc -l) pages in $build/_site"
