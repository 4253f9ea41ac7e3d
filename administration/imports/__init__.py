"""Bulk import of a school's students, staff and timetable from XLSX and CSV (issue #15
point 3): a template per kind, a dry run with a row-by-row report in Russian, an apply in
one transaction or not at all, idempotent re-import. See ``runner`` for the flow."""
