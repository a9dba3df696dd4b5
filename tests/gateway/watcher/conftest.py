"""A watcher over real temporary folders, judged by the real core with a scanning pool that
only extracts (no NER model: a document it cannot read is what makes a hold), shared by the
session; and the files the tests put in the folders."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gateway.config import Settings, WatchedFolderSettings
from gateway.watcher import quarantine
from gateway.watcher.folders import Folder, resolve_folders
from gateway.watcher.judging import DocumentJudge
from gateway.watcher.models import WatchedFile, path_key
from gateway.watcher.sealed_files import opened, sealer
from gateway.watcher.sweep import Watcher
from scanner.limits import ScanLimits
from scanner.policy.policy_file import DEFAULT_POLICY
from scanner.sandbox import ExtractionPool
from scanner.scanning import Scanner, ScanResult
from tests.gateway.watcher.nhs_detector import NhsNumbers

INTERNAL_DOMAIN = "riverside-carers.example.org"
# A file named .docx that is a zip without Word's parts: unscannable, so held for the public
# and released (marked as unscanned in nothing but its verdict) for internal readers.
DAMAGED_DOCX = b"PK\x05\x06" + b"\x00" * 18
CLEAN_TEXT = b"The summer fair is on Saturday at the community hall.\n"


@pytest.fixture(scope="session")
def extracting_scanner() -> Iterator[Scanner]:
    """A sandboxed pool of one worker that extracts and detects nothing, for the session."""
    with Scanner(ExtractionPool(ScanLimits(), max_workers=1)) as scanner:
        yield scanner


class CountingJudge(DocumentJudge):
    """The real judge, keeping the name and size of every document sent to be scanned."""

    scanned: list[tuple[str, int]]

    def submit(self, data: bytes, name: str) -> Future[ScanResult]:
        self.scanned.append((name, len(data)))
        return super().submit(data, name)


@dataclass
class Drive:
    """Watched folders under ``root`` and the watcher over them."""

    root: Path
    quarantine: Path
    folders: dict[str, Folder] = field(default_factory=dict)
    watcher: Watcher | None = None

    @property
    def judge(self) -> CountingJudge:
        assert self.watcher is not None
        judge = self.watcher.judge
        assert isinstance(judge, CountingJudge)
        return judge

    def put(self, folder: str, name: str, content: bytes, age: float = 60.0) -> Path:
        """A file written and left alone for ``age`` seconds (stable)."""
        path = self.folders[folder].path / name
        path.write_bytes(content)
        past = time.time() - age
        os.utime(path, (past, past))
        return path


@pytest.fixture
def make_drive(
    tmp_path: Path, extracting_scanner: Scanner, quarantine_keys: Path
) -> Callable[..., Drive]:
    """Build watched folders (name -> (audience, mode)) and a watcher over them."""

    def make(
        folders: dict[str, tuple[str, str]],
        *,
        quarantine: Path | None = None,
        stable_seconds: float = 0.0,
        observer: str = "native",
        root: Path | None = None,
        scanner: Scanner | None = None,
        policy: Path | None = None,
    ) -> Drive:
        drive = Drive(root or tmp_path / "drive", quarantine or tmp_path / "quarantine")
        configured = []
        for name, (audience, mode) in folders.items():
            (drive.root / name).mkdir(parents=True)
            configured.append(
                WatchedFolderSettings(
                    path=drive.root / name,
                    audience=audience,
                    mode=mode,  # type: ignore[arg-type]
                    observer=observer,  # type: ignore[arg-type]
                    poll_seconds=0.2,
                    stable_seconds=stable_seconds,
                )
            )
        resolved = resolve_folders(configured, [INTERNAL_DOMAIN])
        drive.folders = dict(zip(folders, resolved, strict=True))
        organisation: dict[str, object] = {
            "name": "Riverside Carers",
            "internal_domains": [INTERNAL_DOMAIN],
        }
        if policy is not None:
            organisation["policy"] = policy
        settings = Settings(data_dir=tmp_path / "var", organisation=organisation)
        judge = CountingJudge(settings, scanner or extracting_scanner)
        judge.scanned = []
        drive.watcher = Watcher(judge, resolved, drive.quarantine, workers=1)
        return drive

    return make


def tree_hashes(root: Path) -> dict[str, str]:
    """Every file under ``root`` by relative path, with the SHA-256 of its content."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def held_content(row: WatchedFile) -> bytes:
    """The content of a held document, opened from its sealed file in the quarantine."""
    return b"".join(opened(Path(row.quarantined_as), sealer()))


def hold_document(source: Path, content: bytes, place: Path) -> WatchedFile:
    """Write ``content`` at ``source`` and hold it in the quarantine at ``place``, as the
    watcher does for a document held for its folder's audience."""
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_bytes(content)
    row = WatchedFile.objects.create(
        path=str(source),
        path_key=path_key(str(source)),
        folder=str(source.parent),
        audience="public",
        content_hash=hashlib.sha256(content).hexdigest(),
        size=len(content),
        action="hold",
    )
    quarantine.quarantine(row, source, place)
    return row


CHATTR = shutil.which("chattr") or "/usr/bin/chattr"


@pytest.fixture
def immutable() -> Iterator[Callable[[Path], None]]:
    """Make a file immutable (chattr +i: readable, not removable, even by root)."""
    made: list[Path] = []

    def make(path: Path) -> None:
        if subprocess.run([CHATTR, "+i", str(path)], check=False).returncode:
            pytest.skip("chattr +i is not available here")
        made.append(path)

    yield make
    for path in made:
        subprocess.run([CHATTR, "-i", str(path)], check=False)


def one_rule_policy(tmp_path: Path, action: str, unlinked: str = "") -> Path:
    """The default policy with its rules replaced by one giving every external recipient
    ``action`` (where the document holds data of the category ``unlinked`` linked to no
    known subject, if given: what fired the rule is what a redaction removes)."""
    sections = DEFAULT_POLICY.read_text().split("\nrules:\n")[0]
    path = tmp_path / f"{action}.yaml"
    path.write_text(
        sections + "\nrules:\n"
        f"  - id: {action}-everything-external\n"
        '    clause: "003 Third parties"\n'
        f"    when: {{recipient: external{f', unlinked: [{unlinked}]' if unlinked else ''}}}\n"
        f"    action: {action}\n"
        f"    reason: every document for outside is {action}ed here\n"
    )
    return path


@pytest.fixture(scope="module")
def nhs_scanner() -> Iterator[Scanner]:
    """A sandboxed pool whose detector finds NHS numbers by their shape."""
    pool = ExtractionPool(ScanLimits(), max_workers=1, detector=NhsNumbers)
    with Scanner(pool) as scanner:
        yield scanner
