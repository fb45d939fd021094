"""Pure cleaning functions: text, body HTML, source times, media slugs."""
