"""pytest plugin (``-p pytest_database_only``): keep only the tests that touch the database.

A test touches the database when it carries ``@pytest.mark.django_db`` or when any fixture it uses,
directly or through other fixtures, is one of pytest-django's database fixtures (``db``,
``transactional_db``, ``live_server``, ``admin_client``, ...).  ``scripts/postgres_tests.py`` runs
these again on PostgreSQL after the whole suite has run on SQLite.
"""

from __future__ import annotations

import pytest

__all__ = ["DATABASE_FIXTURES", "touches_database"]

#: pytest-django's fixtures that open the test database (the others reach it through these).
DATABASE_FIXTURES = frozenset({
    "db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server",
})


def touches_database(item: pytest.Item) -> bool:
    """True if ``item`` is marked ``django_db`` or uses a database fixture anywhere in its fixture closure."""
    if item.get_closest_marker("django_db") is not None:
        return True
    return not DATABASE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    keep = [item for item in items if touches_database(item)]
    dropped = [item for item in items if not touches_database(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def pytest_report_header(config: pytest.Config) -> str:
    return "database tests only (pytest_database_only): tests marked django_db or using a database fixture"
