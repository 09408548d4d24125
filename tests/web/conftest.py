"""Web tests: the course index synced into the test database, and signed-in learners."""

from __future__ import annotations

import pytest

from linlab.course import load_course


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Creating users dominates these tests' setup; the real hasher is exercised by the sign-up tests' forms.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def course():
    return load_course()


@pytest.fixture
def course_index(db):
    """The lessons and exercises of content/ in the database (what ``make run`` does at start)."""
    from linlab.web.learning.sync import sync_course

    return sync_course()


@pytest.fixture
def learner(django_user_model, course_index):
    return django_user_model.objects.create_user(username="ada", password="a-long-passphrase-1")


@pytest.fixture
def other_learner(django_user_model, course_index):
    return django_user_model.objects.create_user(username="bob", password="a-long-passphrase-2")


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client
