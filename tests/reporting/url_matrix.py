"""Reporting's entries of the URL × role matrix, one module per topic
(``tests/reporting/urls_<topic>.py``, each with a ``URLS`` dict), imported at the end of
tests/test_url_permissions.py, whose helpers they use."""

import importlib
import pkgutil

import tests.reporting

REPORTING_URLS: dict = {}
for _module in pkgutil.iter_modules(tests.reporting.__path__):
    if _module.name.startswith("urls_"):
        REPORTING_URLS |= importlib.import_module(f"tests.reporting.{_module.name}").URLS
