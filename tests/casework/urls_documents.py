"""URL × role matrix entries of casework/views/documents.py (merged by tests/casework/url_matrix.py)."""

URLS: dict = {}
