"""A sub-folder's name scan lost with its worker (killed with a real SIGKILL) is an outage
of ours: the folder is scanned again alone, not held; one whose scan kills its worker
``MAX_LOST_SCANS`` times in a row is held, saying so, as a document is."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pytest

from gateway.watcher.lost_scans import MAX_LOST_SCANS
from gateway.watcher.models import Placement, WatchedFile, stored_path
from scanner.limits import ScanLimits
from scanner.sandbox import ExtractionPool
from scanner.scanning import Scanner
from tests.gateway.watcher.conftest import Drive
from tests.gateway.watcher.killable_extraction import name_killing_extract

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def killing(tmp_path: Path) -> Iterator[Callable[[int], Scanner]]:
    """A pool of two workers whose name scans kill their worker ``kills`` times."""
    scanners: list[Scanner] = []

    def make(kills: int) -> Scanner:
        flags = tmp_path / "flags"
        flags.mkdir()
        for number in range(kills):
            (flags / f"kill-{number}").touch()
        extractor = partial(name_killing_extract, str(flags))
        scanner = Scanner(ExtractionPool(ScanLimits(), max_workers=2, extractor=extractor))
        scanners.append(scanner.__enter__())
        return scanner

    yield make
    for scanner in scanners:
        scanner.__exit__(None, None, None)


def _row(path: Path) -> WatchedFile:
    return WatchedFile.objects.get(is_folder=True, path=stored_path(str(path)))


def test_a_folder_whose_name_scan_is_lost_is_not_held(
    make_drive: Callable[..., Drive], killing: Callable[[int], Scanner], tmp_path: Path
) -> None:
    """Public, enforce: two name scans lost among twenty clean folders; every folder is
    judged clean on the same pass, none held or taken away."""
    drive = make_drive({"web": ("public", "enforce")}, scanner=killing(MAX_LOST_SCANS - 1))
    web = drive.folders["web"].path
    cases = [web / f"case{number}" for number in range(100, 120)]
    for case in cases:
        case.mkdir()
    assert drive.watcher is not None
    drive.watcher.reconcile()
    assert not list((tmp_path / "flags").iterdir())  # both kills happened
    assert sorted(web.iterdir()) == cases
    for case in cases:
        row = _row(case)
        assert (row.action, row.placement, row.problem, row.lost_scans) == (
            "release",
            Placement.IN_PLACE,
            "",
            0,
        )


def test_a_folder_whose_name_scan_kills_its_worker_every_time_is_held(
    make_drive: Callable[..., Drive], killing: Callable[[int], Scanner]
) -> None:
    """Lost ``MAX_LOST_SCANS`` times in a row: held, the reason naming the deaths."""
    drive = make_drive({"web": ("public", "enforce")}, scanner=killing(MAX_LOST_SCANS))
    case = drive.folders["web"].path / "case100"
    case.mkdir()
    assert drive.watcher is not None
    drive.watcher.reconcile()
    row = _row(case)
    assert (row.action, row.placement, row.lost_scans) == ("hold", Placement.QUARANTINED, 3)
    assert any("3 times in a row" in reason for reason in row.reasons)
    assert not case.exists()
