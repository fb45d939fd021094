"""`make bench`: the crawler against a baseline and the replica's fetch limit."""
