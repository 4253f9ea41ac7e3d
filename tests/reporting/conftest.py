import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs the callbacks queued after commit (the Celery rendering
    tasks, eager in tests) when the block ends, as a real commit would."""

    def context():
        return django_capture_on_commit_callbacks(execute=True)

    return context
