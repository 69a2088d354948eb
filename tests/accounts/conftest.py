from __future__ import annotations

import pytest


@pytest.fixture
def capture_commits(django_capture_on_commit_callbacks):
    """E-mails are sent once the registration is committed."""
    return django_capture_on_commit_callbacks
