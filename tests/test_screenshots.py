"""tools/screenshots.sh: the README's screenshots, taken by headless
Chromium with a CJK font, or not at all."""

import os
import shutil
import struct
import subprocess
import sys

import pytest

from tests.crawling import REPO_ROOT
from tests.sitebuild import site_plugins_missing

TOOL = REPO_ROOT / "tools" / "screenshots.sh"
SHOTS = {"site-home.png": 1300, "site-category.png": 1100, "site-post.png": 1500, "site-status.png": 1100}


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", path
    return struct.unpack(">II", data[16:24])


def run_tool(docs, *args, env=None):
    env = dict(os.environ, PYTHON=sys.executable, **(env or {}))
    return subprocess.run([str(TOOL), "--no-install", *args, str(docs)], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_screenshots_of_the_built_site(tmp_path):
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        pytest.skip("Chromium is not installed: apt-get install chromium")
    if not subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True).stdout.strip():
        pytest.skip("no CJK font: apt-get install fonts-wqy-zenhei")
    if reason := site_plugins_missing():
        pytest.skip(reason)
    proc = run_tool(tmp_path / "docs")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert {p.name: png_size(p) for p in (tmp_path / "docs").iterdir()} == {
        name: (1000, height) for name, height in SHOTS.items()}


def test_no_screenshot_without_a_cjk_font(tmp_path):
    # A fontconfig that knows only a folder without CJK fonts.
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (tmp_path / "fonts.conf").write_text(
        f'<?xml version="1.0"?><fontconfig><dir>{fonts}</dir><cachedir>{tmp_path / "cache"}</cachedir></fontconfig>')
    proc = run_tool(tmp_path / "docs", env={"FONTCONFIG_FILE": str(tmp_path / "fonts.conf")})
    assert proc.returncode == 1
    assert proc.stderr == ("screenshots: no CJK font, Chromium would draw boxes for Chinese text: "
                           "apt-get install fonts-wqy-zenhei\n")
    assert not list((tmp_path / "docs").glob("*.png"))
