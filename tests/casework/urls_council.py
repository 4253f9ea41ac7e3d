"""URL × role matrix entries of casework/views/council.py (merged by tests/casework/url_matrix.py)."""

URLS: dict = {}
