"""The spiders: they follow links; the page functions extract."""
