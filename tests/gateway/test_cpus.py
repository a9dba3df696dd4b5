"""The default number of scanning workers is the CPUs this process may use: its CPU affinity
(taskset, systemd's CPUAffinity=), lowered to a cgroup v2 CPU quota (CPUQuota=, --cpus)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gateway import cpus
from gateway.config import Settings
from gateway.watcher.service import worker_count

_COUNT = "from gateway.cpus import usable_cpus; print(usable_cpus())"


def test_a_process_bound_to_one_cpu_counts_one() -> None:
    """A process started bound to one CPU (as under `taskset -c 0`) counts one, however many
    the machine has."""
    if os.cpu_count() == 1:
        pytest.skip("the machine has one CPU: nothing to tell apart")
    counted = subprocess.run(
        [sys.executable, "-c", _COUNT],
        capture_output=True,
        text=True,
        check=True,
        preexec_fn=lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}),
    )
    assert counted.stdout == "1\n"


def _cgroup(tmp_path: Path, limits: dict[str, str]) -> tuple[Path, Path]:
    """A cgroup v2 tree under ``tmp_path`` with the ``cpu.max`` of each folder in ``limits``,
    and a /proc/self/cgroup placing this process in ``system.slice/confide.service``."""
    root = tmp_path / "cgroup"
    for folder, limit in limits.items():
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / "cpu.max").write_text(limit + "\n", encoding="ascii")
    own = tmp_path / "own"
    own.write_text("0::/system.slice/confide.service\n", encoding="utf-8")
    return root, own


@pytest.mark.parametrize(
    ("limits", "quota"),
    [
        ({"system.slice/confide.service": "max 100000"}, None),
        ({"system.slice/confide.service": "150000 100000"}, 1.5),
        ({"system.slice/confide.service": "max 100000", "system.slice": "50000 100000"}, 0.5),
        ({"system.slice/confide.service": "300000 100000", "system.slice": "200000 100000"}, 2),
        ({}, None),
    ],
    ids=["no-limit", "own", "parent's", "smallest", "no-controller"],
)
def test_the_cgroup_quota_is_the_smallest_on_the_way_up(
    tmp_path: Path, limits: dict[str, str], quota: float | None
) -> None:
    """The quota is the smallest ``cpu.max`` of the process's cgroup and its parents."""
    assert cpus.cgroup_cpu_quota(*_cgroup(tmp_path, limits)) == quota


def test_a_quota_lowers_the_count_rounded_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four CPUs allowed with a quota of 1.5 CPUs: two workers; the watcher counts alike."""
    root, own = _cgroup(tmp_path, {"system.slice/confide.service": "150000 100000"})
    monkeypatch.setattr(cpus, "CGROUP_ROOT", root)
    monkeypatch.setattr(cpus, "OWN_CGROUP", own)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1, 2, 3})
    assert cpus.usable_cpus() == 2
    assert worker_count(Settings()) == 2
