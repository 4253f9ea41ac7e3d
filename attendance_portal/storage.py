"""Static files storage: WhiteNoise's compressed, content-hashed copies."""

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):
    return tuple(
        (extension, tuple(p for p in rules if "sourceMappingURL" not in str(p)))
        for extension, rules in patterns
    )


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed names and gzip/Brotli copies for every static file.

    The vendored minified Bootstrap files name source maps that are not shipped (they would
    add weight for no reader): their sourceMappingURL comments are left alone instead of
    failing collectstatic.
    """

    patterns = _without_source_maps(ManifestStaticFilesStorage.patterns)
