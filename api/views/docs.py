"""Swagger UI over the schema, under the Content-Security-Policy: drf-spectacular's split
view (its start-up script comes from a URL, not inline), the UI's files from the
drf-spectacular-sidecar package as our own static files, and a template without the
stock one's <style> block (its rules are in static/css/swagger.css)."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerPage(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
