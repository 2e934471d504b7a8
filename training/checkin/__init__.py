"""The self check-in: the rules (code, window, marking, unknown-number requests), the public pages and their forms, and the admin side (poster, requests)."""
