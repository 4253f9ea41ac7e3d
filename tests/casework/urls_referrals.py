"""URL × role matrix entries of casework/views/referrals.py (merged by tests/casework/url_matrix.py)."""

URLS: dict = {}
