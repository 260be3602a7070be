import pytest


@pytest.fixture(autouse=True)
def english(settings):
    """Assert on the English messages, whatever the catalogues translate them to."""
    settings.LANGUAGE_CODE = "en"
