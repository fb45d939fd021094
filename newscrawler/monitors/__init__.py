"""Spidermon monitors of each run, the runs' history, and the alerts."""
