"""Packaging, for Scrapyd eggs (scrapyd-deploy) and pip installs."""

from setuptools import find_packages, setup

setup(
    name="newscrawler",
    version="0.1.0",
    description="Mirror Chinese financial news into a Jekyll site",
    packages=find_packages(include=["newscrawler", "newscrawler.*"]),
    python_requires=">=3.11",
    entry_points={
        "scrapy": ["settings = newscrawler.settings"],
        "console_scripts": ["newscrawler-schedule = newscrawler.scheduler:main"],
    },
)
