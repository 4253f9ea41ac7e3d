"""Reporting objects of one school side (tests/accounts/world.py calls
:func:`build_reporting`): ``side.rp["name"]``. Each topic adds its objects in its own
``world_<topic>.py`` with a ``build(world, side) -> dict``."""

import importlib
import pkgutil

import tests.reporting


def build_reporting(world, side) -> dict:
    objects: dict = {}
    for module in sorted(pkgutil.iter_modules(tests.reporting.__path__), key=lambda m: m.name):
        if module.name.startswith("world_"):
            objects |= importlib.import_module(f"tests.reporting.{module.name}").build(world, side)
    return objects
