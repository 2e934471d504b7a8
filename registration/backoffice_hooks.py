"""Wagtail hooks for the back-office action views (being written)."""
