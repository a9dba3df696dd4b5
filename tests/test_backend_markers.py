"""The PostgreSQL pass of ``make test`` runs only the database tests marked ``both_backends``
(see the Makefile). A database test module whose text names something whose behaviour can
differ between SQLite and PostgreSQL (row locks and claims, transactions, database errors and
connections, threads or nodes sharing a database, backups and restores, migrations, the
backend itself) must carry that marker at module level, or be named below with the reason it
does not depend on the backend: adding such a test to a module makes its author decide.

It reads the tests' text, not what they run: a trip-wire for the usual words, not a proof.
"""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).parent

# What can behave differently on PostgreSQL, as a test module would name it.
BACKEND_WORDS = re.compile(
    r"select_for_update|skip_locked|\btransaction\b(?!\s*=)|atomic|IntegrityError"
    r"|OperationalError|DatabaseError|from django\.db import[^\n]*\bconnections?\b"
    r"|\bvendor\b|postgres|\bthreading\b|\bThread\(|Barrier|\bclaim"
    r"|\b(?:another|other|two|second) nodes?\b|backup|restore|migrat",
    re.IGNORECASE,
)
MODULE_MARK = re.compile(r"^pytestmark = [^\n]*\bpytest\.mark\.both_backends\b", re.MULTILINE)

# Database test modules that name such words but whose outcome does not depend on the
# backend, each with the reason.
BACKEND_NEUTRAL = {
    "e2e/test_relay_door.py": "SMTP sessions (an SMTP transaction, not the database's)",
    "e2e/test_relay_door_timing.py": "SMTP clients in threads against the relay's door",
    "gateway/watcher/test_changing_files.py": "files changed under the watcher; file locks",
    "gateway/watcher/test_crash_safety.py": "a release killed between file steps: the "
    "database's part is one committed transaction or none, on either backend",
    "gateway/watcher/test_failing_holds.py": "a hold failing on disk (an immutable "
    "quarantine) and tried again; the thread beside the watch only lifts chattr",
    "gateway/watcher/test_held_folders.py": "folders held and taken away on disk",
    "gateway/watcher/test_lost_scans.py": "scanning processes killed; the watcher's threads "
    "do not share database rows",
    "gateway/watcher/test_long_paths.py": "long paths on disk",
    "gateway/watcher/test_observers.py": "file-system events followed",
    "gateway/watcher/test_observers_reported.py": "file-system observers reported",
    "gateway/watcher/test_own_files.py": "the watcher's own files and their locks (flock)",
    "gateway/watcher/test_slow_files.py": "documents slow to scan, or still being written; "
    "the live watch runs on the test's thread, its observers' threads touch no rows",
    "gateway/watcher/test_watch_safety.py": "what the watcher refuses to touch on disk",
    "gateway/review/test_held_command.py": "what the held command shows and decides, one "
    "process at a time ('another node' is a key file's owner)",
}


def _database_modules() -> dict[str, str]:
    return {
        path.relative_to(TESTS).as_posix(): text
        for path in sorted(TESTS.rglob("test_*.py"))
        if path != Path(__file__) and "django_db" in (text := path.read_text(encoding="utf-8"))
    }


def test_database_modules_that_may_depend_on_the_backend_run_on_both():
    undecided = {
        name: sorted({found.lower() for found in BACKEND_WORDS.findall(text)})
        for name, text in _database_modules().items()
        if BACKEND_WORDS.search(text) and not MODULE_MARK.search(text)
        if name not in BACKEND_NEUTRAL
    }
    assert undecided == {}, (
        "mark these modules pytest.mark.both_backends (pytestmark), or name them in "
        "BACKEND_NEUTRAL with the reason their outcome cannot depend on the database backend"
    )


def test_each_module_named_neutral_is_a_database_module_not_marked_both_backends():
    modules = _database_modules()
    wrongly_named = {
        name
        for name in BACKEND_NEUTRAL
        if name not in modules
        or MODULE_MARK.search(modules[name])
        or not BACKEND_WORDS.search(modules[name])
    }
    assert wrongly_named == set()
