"""Printable documents (PDF by WeasyPrint, XLSX by openpyxl): no domain knowledge, used by
casework and reporting. A document is built by the app (data), rendered from a template
under ``templates/<app>/print/`` and returned as a :class:`~printing.pdf.Document`."""
