import pytest

from tests.accounts.world import build_world


@pytest.fixture
def world(db, settings, tmp_path):
    # The world stores excuse scans: keep them in this test's directory.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return build_world()
