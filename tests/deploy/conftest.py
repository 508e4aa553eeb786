"""Fixtures of the production-kit tests: what a committed (transactional) test needs before `district`."""

import pytest

from tests.conftest import restore_migrated_base_data


@pytest.fixture
def migrated_base_data(transactional_db):
    restore_migrated_base_data()


@pytest.fixture
def committed_district(migrated_base_data, district):
    """The shared `district` fixture, committed for real (other processes — pg_dump, nginx's upstream —
    see it)."""
    return district
