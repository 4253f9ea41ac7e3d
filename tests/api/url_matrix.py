"""The API's entries of the URL × role matrix, one module per topic
(``tests/api/urls_<topic>.py``, each with a ``URLS`` dict), imported at the end of
tests/test_url_permissions.py, whose helpers they use. The matrix signs in with a session;
``test_token_matrix.py`` asks the API's cases again with each role's personal token."""

import importlib
import pkgutil

import tests.api

API_URLS: dict = {}
for _module in pkgutil.iter_modules(tests.api.__path__):
    if _module.name.startswith("urls_"):
        API_URLS |= importlib.import_module(f"tests.api.{_module.name}").URLS
