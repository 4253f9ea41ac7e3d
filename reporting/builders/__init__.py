"""The builders of every form, one module each (named after its kind); importing them
registers their kinds (``reporting.kinds.register``). ``ReportingConfig.ready`` imports this
package, which imports every module in it."""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
