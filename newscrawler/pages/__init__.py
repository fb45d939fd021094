"""Page functions: each takes a response (or decoded data) and extracts.
They follow no link and know nothing of the crawl; the spiders do that."""
