"""How many CPUs this process may use: the default number of scanning workers.

``os.cpu_count()`` counts the machine's CPUs, not the ones this process may run on: under
``taskset``, a systemd ``CPUAffinity=`` or a container's ``--cpuset-cpus`` it would start a
worker per CPU the process cannot use, and each worker holds a model in memory. So the count
is the process's CPU affinity (``os.sched_getaffinity``; Python 3.13's
``os.process_cpu_count`` says the same), lowered to a cgroup v2 CPU quota
(``cpu.max``: systemd's ``CPUQuota=``, ``docker run --cpus``), rounded up.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

# Where cgroup v2 is mounted, and the file naming this process's cgroup (its "0::" line).
CGROUP_ROOT = Path("/sys/fs/cgroup")
OWN_CGROUP = Path("/proc/self/cgroup")


def usable_cpus() -> int:
    """The CPUs this process may use: at least 1."""
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # no affinity on this platform
        count = os.cpu_count() or 1
    quota = cgroup_cpu_quota(CGROUP_ROOT, OWN_CGROUP)
    if quota is not None:
        count = min(count, max(1, math.ceil(quota)))
    return max(1, count)


def cgroup_cpu_quota(root: Path, own: Path) -> float | None:
    """The smallest CPU quota (in CPUs) of this process's cgroup v2 and its parents (``own``
    names it, under ``root``), or None when none is set or cgroup v2 is not there (cgroup
    v1 is not read)."""
    try:
        lines = own.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    path = next((line[3:] for line in lines if line.startswith("0::")), None)
    if path is None:
        return None
    quotas: list[float] = []
    folder = root / path.strip("/")
    while True:
        try:
            limit, _, period = (folder / "cpu.max").read_text(encoding="ascii").partition(" ")
            if limit != "max":
                quotas.append(int(limit) / int(period))
        except (OSError, ValueError):
            pass  # no controller here, or unreadable: no limit known from it
        if folder == root or root not in folder.parents:
            break
        folder = folder.parent
    return min(quotas, default=None)
