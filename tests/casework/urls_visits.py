"""URL × role matrix entries of casework/views/visits.py (merged by tests/casework/url_matrix.py)."""

URLS: dict = {}
