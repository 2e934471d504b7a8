"""Whistle-blowing (吹哨): reports from the public and from community grid
workers, and the street office's triage of them."""
