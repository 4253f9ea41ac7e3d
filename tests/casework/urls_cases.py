"""URL × role matrix entries of casework/views/cases.py and contacts.py."""

URLS: dict = {}
