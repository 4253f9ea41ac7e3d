"""The builders of every form, one module each; importing them registers their kinds
(``reporting.kinds.register``)."""

from . import weekly_class_report  # noqa: F401
