"""Administration's entries of the URL × role matrix, one module per topic
(``tests/administration/urls_<topic>.py``, each with a ``URLS`` dict), imported at the end
of tests/test_url_permissions.py, whose helpers they use."""

import importlib
import pkgutil

import tests.administration

ADMINISTRATION_URLS: dict = {}
for _module in pkgutil.iter_modules(tests.administration.__path__):
    if _module.name.startswith("urls_"):
        ADMINISTRATION_URLS |= importlib.import_module(f"tests.administration.{_module.name}").URLS
