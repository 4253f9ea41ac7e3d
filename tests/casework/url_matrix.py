"""Casework's entries of the URL × role matrix, one module per topic (imported at the end of
tests/test_url_permissions.py, whose helpers they use)."""

from . import urls_cases, urls_council, urls_documents, urls_plan, urls_referrals, urls_visits

CASEWORK_URLS: dict = {}
for module in (urls_cases, urls_visits, urls_council, urls_plan, urls_referrals, urls_documents):
    CASEWORK_URLS |= module.URLS
