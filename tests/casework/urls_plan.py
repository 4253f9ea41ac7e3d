"""URL × role matrix entries of casework/views/plan.py (merged by tests/casework/url_matrix.py)."""

URLS: dict = {}
