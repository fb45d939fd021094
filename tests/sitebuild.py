"""Build the site as `make site` does (tools/build-site.sh), with a real
Jekyll and Debian's plugins."""

import os
import shutil
import subprocess
from pathlib import Path

from tests.crawling import REPO_ROOT


def site_plugins_missing() -> str | None:
    """Why the site cannot be built here, or None."""
    if not shutil.which("jekyll"):
        return "jekyll is not installed: apt-get install jekyll"
    probe = subprocess.run(["ruby", "-e", 'require "jekyll-feed"; require "jekyll-paginate"'], capture_output=True)
    if probe.returncode:
        return "jekyll-feed or jekyll-paginate is missing: apt-get install ruby-jekyll-feed ruby-jekyll-paginate"
    return None


def build_site(output: Path, build: Path, **env: str) -> Path:
    proc = subprocess.run([str(REPO_ROOT / "tools" / "build-site.sh"), str(output), str(build)],
                          capture_output=True, text=True, timeout=300, env=dict(os.environ, **env))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return build / "_site"
