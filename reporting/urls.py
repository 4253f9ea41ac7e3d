"""Reports: each topic module of ``reporting.views`` lists its own URL patterns
(``urlpatterns``); they are all included here, in the modules' alphabetical order."""

import importlib
import pkgutil

from . import views

app_name = "reporting"

urlpatterns = []
for _module in pkgutil.iter_modules(views.__path__):
    urlpatterns += getattr(
        importlib.import_module(f"{views.__name__}.{_module.name}"), "urlpatterns", []
    )
