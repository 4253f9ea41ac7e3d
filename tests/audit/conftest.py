import pytest

from tests.accounts.world import build_world


@pytest.fixture
def world(db, settings, tmp_path):
    """School A and B with a user per role; excuse scans in a throwaway private storage."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return build_world()
