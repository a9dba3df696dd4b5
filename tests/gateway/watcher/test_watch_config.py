"""The [watch] section of confide.toml, checked as it loads, and how a folder is resolved."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.config import DEFAULT_EXCLUDES, ConfigError, Settings, StartupError, load_settings
from gateway.register.models import Agency, AgencyDomain
from gateway.watcher.folders import (
    PUBLIC_ADDRESS,
    filesystem_type,
    resolve_folders,
)


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A confide.toml that ``load_settings`` reads afresh."""
    path = tmp_path / "confide.toml"
    monkeypatch.setenv("CONFIDE_CONFIG", str(path))
    load_settings.cache_clear()
    yield path
    load_settings.cache_clear()


def test_quarantine_inside_a_watched_folder_is_refused(config_file: Path) -> None:
    """A quarantine inside a watched folder stops confide, naming both settings."""
    config_file.write_text(
        '[watch]\nquarantine = "share/held"\n'
        '[[watch.folders]]\npath = "share"\naudience = "public"\n'
    )
    with pytest.raises(ConfigError, match=r"watch\.quarantine .* watch\.folders\[0\]"):
        load_settings()


def test_a_quarantine_holding_the_watched_folders_is_refused(config_file: Path) -> None:
    """A quarantine that contains every watched folder stops confide, naming both settings."""
    config_file.write_text(
        '[watch]\nquarantine = "shares"\n'
        '[[watch.folders]]\npath = "shares/web"\naudience = "public"\n'
        '[[watch.folders]]\npath = "shares/staff"\naudience = "internal"\n'
    )
    with pytest.raises(
        ConfigError, match=r"watch\.folders\[0\] .* lies inside watch\.quarantine .* outside"
    ):
        load_settings()


def test_the_default_quarantine_inside_a_folder_is_refused_too(config_file: Path) -> None:
    """The default quarantine (in data_dir) is checked as well as one given."""
    config_file.write_text(
        'data_dir = "share/var"\n[[watch.folders]]\npath = "share"\naudience = "internal"\n'
    )
    with pytest.raises(ConfigError, match=r"watch\.folders\[0\]"):
        load_settings()


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ('[watch]\nquarantine = ""\n', "watch.quarantine"),
        ('[watch]\nquarantine = "  "\n', "watch.quarantine"),
        ('[[watch.folders]]\npath = ""\naudience = "internal"\n', "watch.folders.0.path"),
        ('[[watch.folders]]\npath = " "\naudience = "internal"\n', "watch.folders.0.path"),
    ],
    ids=["empty-quarantine", "blank-quarantine", "empty-folder", "blank-folder"],
)
def test_an_empty_path_is_refused_not_read_as_the_config_folder(
    config_file: Path, section: str, key: str
) -> None:
    """Issue 18: an empty (or blank) quarantine or folder path stops confide at load, naming
    its key, where it silently meant the configuration file's own folder."""
    config_file.write_text(section)
    with pytest.raises(
        ConfigError,
        match=key.replace(".", r"\.") + r": .*an empty path would be the configuration file's",
    ):
        load_settings()


def test_an_empty_quarantine_from_the_environment_is_refused(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same from ``CONFIDE_WATCH__QUARANTINE``, which the message names."""
    config_file.write_text("")
    monkeypatch.setenv("CONFIDE_WATCH__QUARANTINE", "")
    with pytest.raises(ConfigError, match=r"^CONFIDE_WATCH__QUARANTINE: watch\.quarantine: "):
        load_settings()


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('mode = "quarantine"', "watch.folders.0.mode"),
        ('observer = "inotify"', "watch.folders.0.observer"),
        ("stable_seconds = -1", "watch.folders.0.stable_seconds"),
        ('colour = "red"', "watch.folders.0.colour"),
    ],
)
def test_a_wrong_folder_setting_names_its_key(config_file: Path, line: str, key: str) -> None:
    """A mistake in a folder's settings is reported with the key it is in."""
    config_file.write_text(f'[[watch.folders]]\npath = "share"\naudience = "public"\n{line}\n')
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load_settings()


def test_defaults_are_report_mode_auto_observer_and_office_litter_excluded(
    tmp_path: Path,
) -> None:
    """A folder given only its path and audience reports, picks its observer by filesystem,
    and skips Office lock files, temporary files, shortcuts and executables."""
    settings = Settings(watch={"folders": [{"path": tmp_path, "audience": "public"}]})
    folder = settings.watch.folders[0]
    assert (folder.mode, folder.observer) == ("report", "auto")
    assert {"~$*", ".~lock*#", "*.tmp", "Thumbs.db", "desktop.ini", "*.lnk", "*.exe"} <= set(
        DEFAULT_EXCLUDES
    )
    [resolved] = resolve_folders(settings.watch.folders, [])
    assert resolved.excludes("~$Minutes.docx")
    assert resolved.excludes(".~lock.rota.xlsx#")
    assert resolved.excludes("THUMBS.DB")
    assert resolved.excludes("confide-held-12.txt")
    assert not resolved.excludes("Minutes.docx")
    assert resolved.recipient == PUBLIC_ADDRESS


def test_network_filesystems_are_polled(tmp_path: Path) -> None:
    """The filesystem type comes from the longest mount point holding the folder."""
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/sda1 / ext4 rw 0 0\n"
        "//nas/share /srv/share cifs rw 0 0\n"
        "nas:/export /srv/share/nfs nfs4 rw 0 0\n"
    )
    assert filesystem_type(Path("/srv/share/minutes"), mounts) == "cifs"
    assert filesystem_type(Path("/srv/share/nfs/x"), mounts) == "nfs4"
    assert filesystem_type(Path("/srv/shared"), mounts) == "ext4"


@pytest.mark.django_db
def test_an_agency_audience_plays_the_agency_and_an_unknown_one_stops_the_start(
    tmp_path: Path,
) -> None:
    """A folder shared with an agency of the register is judged as if sent to its domain;
    an agency the register does not know stops the watcher, naming the setting."""
    agency = Agency.objects.create(name="Leeds Adult Social Care")
    AgencyDomain.objects.create(agency=agency, domain="leeds-asc.example")
    settings = Settings(
        watch={"folders": [{"path": tmp_path, "audience": "Leeds Adult Social Care"}]}
    )
    [folder] = resolve_folders(settings.watch.folders, [])
    assert folder.recipient.endswith("@leeds-asc.example")
    unknown = Settings(watch={"folders": [{"path": tmp_path, "audience": "Nobody Trust"}]})
    with pytest.raises(StartupError, match=r"watch\.folders\[0\]\.audience"):
        resolve_folders(unknown.watch.folders, [])


@pytest.mark.parametrize(
    ("section", "says"),
    [
        (
            '[watch.owners]\n"1001" = "priya@gmail.example"\n',
            r"watch\.owners\.1001: 'priya@gmail\.example' is not in organisation\.internal",
        ),
        (
            '[[watch.folders]]\npath = "share"\naudience = "public"\nowner = "web@else.example"\n',
            r"watch\.folders\[0\]\.owner: 'web@else\.example' is not in organisation",
        ),
        (
            '[watch.owners]\n"1001" = "Priya <priya@carers.example>"\n',
            r"watch\.owners: .*1001: .* is not a plain email address",
        ),
        (
            '[watch.owners]\nno-such-account-here = "priya@carers.example"\n',
            r"no-such-account-here: no account .* on this server; give its numeric uid",
        ),
    ],
)
def test_an_owner_that_cannot_be_told_is_refused(
    config_file: Path, section: str, says: str
) -> None:
    """An owner's address outside the organisation, one that is not a plain address, or an
    account the server does not have stops confide at load, saying which."""
    config_file.write_text(f'[organisation]\ninternal_domains = ["carers.example"]\n{section}')
    with pytest.raises(ConfigError, match=says):
        load_settings()


def test_owners_by_account_name_or_uid_are_read(config_file: Path) -> None:
    """An account named or numbered maps to its uid; a folder's owner is kept as given."""
    config_file.write_text(
        '[organisation]\ninternal_domains = ["carers.example"]\n'
        '[watch.owners]\nroot = "it@carers.example"\n"1001" = "priya@Mail.Carers.example"\n'
        '[[watch.folders]]\npath = "share"\naudience = "public"\nowner = " web@carers.example"\n'
    )
    watch = load_settings().watch
    assert watch.owner_by_uid() == {0: "it@carers.example", 1001: "priya@Mail.Carers.example"}
    assert watch.folders[0].owner == "web@carers.example"
