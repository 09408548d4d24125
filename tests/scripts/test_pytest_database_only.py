"""scripts/pytest_database_only.py keeps exactly the tests that reach the database (pytest run for real)."""

import os
import subprocess
import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"

SAMPLE = '''
import pytest

@pytest.fixture
def rows(db):
    return 1

@pytest.fixture
def plain():
    return 1

@pytest.mark.django_db
def test_marked(): pass

def test_db_fixture(db): pass

def test_through_a_fixture(rows): pass

def test_live(live_server): pass

def test_no_database(plain): pass

def test_client_only(client): pass

@pytest.mark.django_db
class TestMarkedClass:
    def test_inside(self): pass
'''


def _collect(tmp_path: Path, *plugins: str) -> list[str]:
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    # Collecting needs no Django settings: pytest-django only configures Django when told to.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SCRIPTS), env.get("PYTHONPATH")]))
    args = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
            "-c", os.devnull]
    for plugin in plugins:
        args += ["-p", plugin]
    done = subprocess.run([*args, str(tmp_path)], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    return sorted(line.split("::", 1)[1] for line in done.stdout.splitlines() if "::" in line)


def test_only_database_tests_are_kept(tmp_path):
    everything = _collect(tmp_path)
    assert len(everything) == 7
    kept = _collect(tmp_path, "pytest_database_only")
    assert kept == sorted(["test_marked", "test_db_fixture", "test_through_a_fixture", "test_live",
                           "TestMarkedClass::test_inside"])
