"""newscrawler: mirror Chinese financial news into a Jekyll site."""
