import pytest

from search import query_stats


@pytest.fixture(autouse=True)
def no_query_stats_waiting():
    """Search query counts wait in the process's memory (search.query_stats): none may cross tests."""
    query_stats.discard()
    yield
    query_stats.discard()
