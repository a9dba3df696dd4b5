"""Django's system checks, which confide's commands skip at start (see ConfideCommand).

confide offers only its own commands, not Django's ``check``, so the checks are run through
their registry.
"""

from __future__ import annotations

import pytest
from django.core import checks

pytestmark = pytest.mark.both_backends


@pytest.mark.django_db
def test_system_checks_pass():
    """The models, settings and apps pass Django's checks, database checks included."""
    problems = checks.run_checks(databases=["default"], include_deployment_checks=False)
    assert [str(p) for p in problems if p.level >= checks.WARNING] == []
