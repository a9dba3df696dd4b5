"""confide.toml, read once and checked as it loads.

The file named by ``CONFIDE_CONFIG`` (default ``./confide.toml``; a missing file means all
defaults) and ``CONFIDE_*`` environment variables (``CONFIDE_LIMITS__MAX_ITEM_BYTES=...``)
override the defaults here. A wrong value stops the program with the key and what to do.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import ipaddress
import os
import pwd
import re
import stat
import types
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    TomlConfigSettingsSource,
)

from scanner.domains import is_internal
from scanner.limits import MIB, ScanLimits
from scanner.rules_file import (
    DEFAULT_BANNER,
    DEFAULT_OPERATORS,
    DEFAULT_POLICY,
    DEFAULT_RECOGNIZERS,
)

# A scanning worker loads the NER model (about 0.6 GB) inside its memory limit; below this
# every item would fail, each for a different-looking reason.
MIN_WORKER_MEMORY_BYTES = 768 * MIB


class ConfigError(ValueError):
    """A configuration file or variable that cannot be used."""


class StartupError(Exception):
    """Something the operator must fix before confide can start; the message (one line)
    says what, and which setting or command fixes it."""


class DetectionSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # The recognizers file; term lists and the first-name list are found beside it.
    rules: Path = DEFAULT_RECOGNIZERS

    @field_validator("rules", mode="before")
    @classmethod
    def _paths(cls, value: object) -> object:
        return _a_path(value)


class OrganisationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = ""
    internal_domains: list[str] = []
    # The organisation's own published contact details (helpline, info@ address): never
    # personal data, so never a finding.
    published_contacts: list[str] = []
    # The policy rules that decide what happens to each item (see rules/default.yaml).
    policy: Path = DEFAULT_POLICY
    # The CONFIDENTIAL marking's wording (subject tag, banner, document header).
    banner: Path = DEFAULT_BANNER
    # The same marking's wording for a release without consent (an exception or an
    # emergency release), whose banner must not claim a recorded consent.
    banner_without_consent: Path = DEFAULT_BANNER.with_name("banner_without_consent.yaml")
    # What stands in a redacted copy where a value was, per finding type (replaced by a
    # label, masked but its last digits, or a pseudonym).
    redaction: Path = DEFAULT_OPERATORS
    # The secret that pseudonyms are made with, made (mode 0600) when a redaction rule first
    # needs it. Default: <data_dir>/pseudonym.key.
    pseudonym_key_file: Path | None = None

    @field_validator(
        "policy",
        "banner",
        "banner_without_consent",
        "redaction",
        "pseudonym_key_file",
        mode="before",
    )
    @classmethod
    def _paths(cls, value: object) -> object:
        return _a_path(value)


class UpstreamSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)  # hashable: its TLS context is cached
    # The MTA that delivers what confide releases (Postfix's re-injection listener, the
    # Microsoft 365 or Google Workspace connector).
    host: str = "127.0.0.1"
    port: int = Field(default=10026, ge=1, le=65535)
    # none: plain SMTP; starttls: require STARTTLS; tls: TLS from the first byte (port 465).
    tls: Literal["none", "starttls", "tls"] = "none"
    # Verify the upstream's certificate against the system's CAs (and ca_file if given).
    verify_certificate: bool = True
    ca_file: Path | None = None
    username: str = ""
    password: str = ""
    timeout_seconds: float = Field(default=60.0, gt=0)

    @field_validator("ca_file", mode="before")
    @classmethod
    def _paths(cls, value: object) -> object:
        return _a_path(value)


class RelaySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # Where the relay listens for outbound mail.
    listen: str = "127.0.0.1:10025"
    # The name the relay gives in its greeting and in the notices it sends; default: the FQDN.
    hostname: str = ""
    # Clients on these networks may relay without AUTH. Everyone else must authenticate
    # (AUTH is offered only after STARTTLS), so the relay is never open.
    allowed_networks: list[str] = ["127.0.0.0/8", "::1/128"]
    # A client relaying because of its network (not a login) may send only as
    # organisation.internal_domains, these domains and their subdomains, in MAIL FROM and in
    # the From field; MAIL FROM:<> (bounces) is accepted. Microsoft 365 and Google send every
    # customer's mail from the same networks: this keeps other customers out.
    extra_sender_domains: list[str] = []
    # Clients on these networks (each inside allowed_networks) may relay as any sender: only
    # for a mail system of your own that checks senders itself (a Postfix on this host that
    # also passes your inbound mail to confide), never a shared service's ranges.
    any_sender_networks: list[str] = []
    # A certificate and key (PEM) turn on STARTTLS, and with it AUTH.
    tls_certificate: Path | None = None
    tls_key: Path | None = None
    # RFC 5321 requires accepting at least 100; 1,000 is the anchors' ceiling.
    max_recipients: int = Field(default=1000, ge=100)
    max_connections_per_client: int = Field(default=20, ge=1)
    # The longest pause between commands, and between chunks of a message being sent.
    idle_timeout_seconds: float = Field(default=300.0, gt=0)  # RFC 5321 4.5.3.2.7
    # The longest a whole message transfer (DATA, from 354 to the final dot) may take:
    # 600 s carries the largest message we accept (max_item_bytes, 25 MiB by default) at
    # about 44 KB/s; a slower client is cut with 421 and nothing is kept.
    data_timeout_seconds: float = Field(default=600.0, gt=0)
    session_timeout_seconds: float = Field(default=1800.0, gt=0)
    # After this many failed AUTH attempts in auth_failure_window_seconds, a client's AUTH
    # is refused until the window has passed.
    auth_failures_allowed: int = Field(default=5, ge=1)
    auth_failure_window_seconds: float = Field(default=600.0, gt=0)
    # Scanning processes (each loads the NER model once); 0 means one per CPU.
    scan_workers: int = Field(default=0, ge=0)
    # The Fernet key that encrypts stored messages. Keep it outside the database and its
    # backups; it is created (mode 0600) on first start. Default: <data_dir>/confide.key.
    key_file: Path | None = None
    # Sender of hold notices and bounces; default: postmaster@<first internal domain>.
    notice_from: str = ""
    # Delivery retries: the first after retry_initial_seconds, doubling up to
    # retry_max_seconds; after give_up_after_hours the sender gets a bounce.
    retry_initial_seconds: float = Field(default=60.0, gt=0)
    retry_max_seconds: float = Field(default=3600.0, gt=0)
    give_up_after_hours: float = Field(default=120.0, gt=0)
    # This node's name in work claims; default: the machine's host name. Each node on one
    # database needs its own: a second relay under a name in use refuses to start. At most
    # 100 characters: the database's claims hold it.
    node: str = Field(default="", max_length=100)
    # How long a node's claim on a message to scan, and on deliveries to send, lasts: after
    # a node dies, another takes its work over once these pass. Each must be far longer than
    # a node takes to get through the work it holds (a scan, an SMTP transaction).
    scan_lease_seconds: float = Field(default=600.0, ge=1)
    delivery_lease_seconds: float = Field(default=900.0, ge=1)
    upstream: UpstreamSettings = UpstreamSettings()

    @field_validator("tls_certificate", "tls_key", "key_file", mode="before")
    @classmethod
    def _paths(cls, value: object) -> object:
        return _a_path(value)

    @field_validator("allowed_networks", "any_sender_networks")
    @classmethod
    def _networks(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                ipaddress.ip_network(value, strict=False)
            except ValueError:
                raise ValueError(f"{value!r} is not a network (e.g. 10.0.0.0/8)") from None
        return values

    @field_validator("extra_sender_domains")
    @classmethod
    def _domains(cls, values: list[str]) -> list[str]:
        for value in values:
            if not _DOMAIN_NAME.fullmatch(value):
                raise ValueError(
                    f"{value!r} is not a domain name: write it as e.g. example.org, without "
                    "@, * or a leading dot (its subdomains are included)"
                )
        return [value.lower() for value in values]

    @model_validator(mode="after")
    def _any_sender_inside_allowed(self) -> RelaySettings:
        allowed = [ipaddress.ip_network(v, strict=False) for v in self.allowed_networks]
        for value in self.any_sender_networks:
            network = ipaddress.ip_network(value, strict=False)
            if not any(_inside_network(network, each) for each in allowed):
                raise ValueError(
                    f"relay.any_sender_networks: {value!r} is not inside relay.allowed_networks; "
                    "a client must be allowed to relay before it may send as anyone"
                )
        return self

    @field_validator("listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        host_and_port(value)
        return value


# A domain name as DNS has it (RFC 1035 section 2.3.1, digits allowed first): labels of
# letters, digits and inner hyphens, at least two of them.
_DOMAIN_NAME = re.compile(
    r"(?=.{1,253}\Z)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
)


def _inside_network(
    network: ipaddress.IPv4Network | ipaddress.IPv6Network,
    outer: ipaddress.IPv4Network | ipaddress.IPv6Network,
) -> bool:
    return network.version == outer.version and network.subnet_of(outer)  # type: ignore[arg-type]


class ReviewSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # Where the review web app listens. Loopback by default: put a TLS reverse proxy in front
    # of it (README, "The review web app") rather than exposing it.
    listen: str = "127.0.0.1:8025"
    # The host names the pages are served under (Django's ALLOWED_HOSTS); a request naming
    # another host is refused.
    hosts: list[str] = ["127.0.0.1", "localhost", "[::1]"]
    # Set when a reverse proxy terminates TLS in front of it and sets X-Forwarded-Proto and
    # X-Forwarded-For: cookies are then sent over HTTPS only, and plain HTTP is redirected.
    behind_tls_proxy: bool = False
    # The addresses (or networks) the proxy connects from: only their X-Forwarded-* headers
    # are believed, and only with behind_tls_proxy. In a container, the proxy on the host
    # arrives from the bridge's gateway (e.g. 172.17.0.1), not 127.0.0.1.
    trusted_proxies: list[str] = ["127.0.0.1"]
    # Held items listed per page of the queue.
    page_size: int = Field(default=50, ge=5, le=500)
    # Failed sign-ins allowed per account, and per address, before it is locked out for
    # lockout_minutes (django-axes).
    failed_logins_allowed: int = Field(default=5, ge=1)
    lockout_minutes: int = Field(default=30, ge=1)
    # Managers and admins must sign in with a TOTP code from an authenticator app as well as
    # their password; one without a device is sent to set one up before any other page. On
    # by default: a manager's pages show every held message in full, and a password alone is
    # one phishing email away from all of it. Staff may set one up if they wish.
    require_second_factor: bool = True
    # The address people browse the review pages at, as the proxy in front serves them
    # (https://confide.example.org). The hold notice and the managers' emails link to each
    # item under it; without it they give the item's reference, to search for on the pages.
    base_url: str = ""
    # Managers are emailed about new holds at most this often ("5m", "90s", "1h"); each email
    # lists every hold since the last. "0" or "off": no such emails (the digest still comes).
    hold_alert_every: timedelta = timedelta(minutes=5)

    @field_validator("listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        host_and_port(value)
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                ipaddress.ip_network(value, strict=False)
            except ValueError:
                raise ValueError(
                    f"{value!r} is not an address or network (e.g. 127.0.0.1 or 172.17.0.1)"
                ) from None
        return values

    def proxy_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        """The networks whose X-Forwarded-* headers are believed: none unless behind_tls_proxy."""
        if not self.behind_tls_proxy:
            return []
        return [ipaddress.ip_network(value, strict=False) for value in self.trusted_proxies]

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not value:
            return value
        parts = urlsplit(value)
        local = parts.hostname in ("localhost", "127.0.0.1", "::1")
        if parts.scheme != "https" and not (parts.scheme == "http" and local):
            raise ValueError(
                f"{value!r}: the review pages' address must start with https:// "
                "(http:// only for localhost), e.g. https://confide.example.org"
            )
        if not parts.hostname or parts.query or parts.fragment:
            raise ValueError(
                f"{value!r} is not the review pages' address: give the scheme, host and "
                "any path, without ? or #, e.g. https://confide.example.org"
            )
        return value.rstrip("/")

    @field_validator("hold_alert_every", mode="before")
    @classmethod
    def _hold_alert_every(cls, value: Any) -> Any:
        return duration(value) if isinstance(value, str) else value


_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600}


def duration(text: str) -> timedelta:
    """ "90s", "5m" or "1h" as a ``timedelta``; "0" and "off" are none at all."""
    word = text.strip().lower()
    if word in ("0", "off"):
        return timedelta(0)
    number, unit = word[:-1], word[-1:]
    if unit not in _DURATION_UNITS or not number.isdigit():
        raise ValueError(f"{text!r} is not a duration: write e.g. 90s, 5m or 1h (or off)")
    return timedelta(seconds=int(number) * _DURATION_UNITS[unit])


# A retention period as written in confide.toml: whole days, e.g. "90d".
_DAYS = re.compile(r"\s*(\d+)\s*d\s*")


class RetentionSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # How long the content of a message (as received, the copies sent, what the scan read) is
    # kept after its last recipient was decided and its last copy delivered or given up;
    # `confide purge` then removes it, and the audit trail and logbook keep the record.
    # 90 days is the project's choice, not a legal figure (README, "Retention").
    message_bodies: timedelta = timedelta(days=90)

    @field_validator("message_bodies", mode="before")
    @classmethod
    def _days(cls, value: Any) -> timedelta:
        found = _DAYS.fullmatch(value) if isinstance(value, str) else None
        if found is None:
            raise ValueError(f'{value!r} is not a number of days; write it as e.g. "90d"')
        days = int(found[1])
        if days < 1:
            raise ValueError('keep message bodies for at least one day ("1d")')
        return timedelta(days=days)


# What is never scanned in a watched folder: Office lock and owner files, LibreOffice locks,
# temporary files, Windows' folder files, shortcuts and executables. Matched against the file's
# name (fnmatch, case-insensitive); a folder's own ``exclude`` replaces the list.
DEFAULT_EXCLUDES = [
    "~$*",
    ".~lock*#",
    "*.tmp",
    "Thumbs.db",
    "desktop.ini",
    "*.lnk",
    "*.url",
    "*.exe",
    "*.dll",
    "*.msi",
    "*.bat",
    "*.cmd",
    "*.com",
    "*.scr",
    "*.ps1",
]


class WatchedFolderSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # The folder; everything under it is watched.
    path: Path
    # Who the folder's documents are for, judged as if sent to them: "internal", the name of
    # an agency in the consent register (a folder shared with that partner), or "public".
    audience: str
    # report: record what each file holds, move nothing (discovery). enforce: quarantine
    # what would be held, write redacted copies.
    mode: Literal["report", "enforce"] = "report"
    # native: the operating system's events (local disks). polling: compare the tree every
    # poll_seconds (network shares, where inotify never fires). auto: by the filesystem type.
    observer: Literal["native", "polling", "auto"] = "auto"
    poll_seconds: float = Field(default=5.0, gt=0)
    exclude: list[str] = DEFAULT_EXCLUDES
    # A file is scanned once its size and modification time have not changed for this long,
    # so one still being copied is never read half-written.
    stable_seconds: float = Field(default=5.0, ge=0)
    # In enforce mode, a copy marked CONFIDENTIAL is written beside a document the rules
    # release with a banner (an external audience, consent recorded).
    marked_copies: bool = True
    # Whom to tell when a manager rejects a document held from this folder, if its file's
    # owner is not in [watch] owners: a work address in organisation.internal_domains.
    owner: str = ""

    @field_validator("audience")
    @classmethod
    def _audience(cls, value: str) -> str:
        if not value.strip():
            raise ValueError('give "internal", "public" or the name of an agency in the register')
        return value.strip()

    @field_validator("owner")
    @classmethod
    def _owner(cls, value: str) -> str:
        return plain_address(value) if value.strip() else ""

    @field_validator("path", mode="before")
    @classmethod
    def _path(cls, value: object) -> object:
        return _given_path(value, "the folder to watch")


def _given_path(value: object, what: str) -> object:
    """Refuse an empty (or blank) path: read from the configuration file's folder, it would
    silently mean that folder itself."""
    if isinstance(value, str) and not value.strip():
        raise ValueError(f"an empty path would be the configuration file's own folder; give {what}")
    return value


def _a_path(value: object) -> object:
    """``_given_path`` for a file or folder setting whose default applies when it is left out."""
    return value if value is None else _given_path(value, "a path, or leave the setting out")


# A metrics token shorter than this is refused, from token or token_file alike.
MIN_METRICS_TOKEN = 16


def _checked_metrics_token(value: str, where: str) -> str:
    if len(value) < MIN_METRICS_TOKEN:
        raise ValueError(
            f"{where}: a metrics token needs at least {MIN_METRICS_TOKEN} characters "
            "(openssl rand -hex 24)"
        )
    return value


class MetricsSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # /metrics answers a scrape that sends "Authorization: Bearer <token>" (the token here or
    # in token_file, one or the other; the file is read once, when the settings load), or
    # one whose connection comes from allowed_networks. Neither set: /metrics is refused (404).
    token: str = ""
    token_file: Path | None = None
    allowed_networks: list[str] = []
    _token_from_file: str = PrivateAttr(default="")

    @field_validator("token_file", mode="before")
    @classmethod
    def _paths(cls, value: object) -> object:
        return _a_path(value)

    @field_validator("token")
    @classmethod
    def _long_token(cls, value: str) -> str:
        return _checked_metrics_token(value, "metrics.token") if value else value

    def bearer_token(self) -> str:
        """The token in force: ``token``, else the first line of ``token_file``, else ""."""
        return self.token or self._token_from_file

    def read_token_file(self) -> None:
        """Read and check ``token_file`` (its path resolved), as the settings load."""
        if self.token_file is None:
            return
        if self.token:
            raise ValueError("set metrics.token or metrics.token_file, not both")
        try:
            found = self.token_file.stat()
            if not stat.S_ISREG(found.st_mode):  # a pipe would be waited on for ever
                raise ValueError(f"metrics.token_file {self.token_file}: is not a file")
            mode = stat.S_IMODE(found.st_mode)
            lines = self.token_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise ValueError(
                f"metrics.token_file {self.token_file}: cannot read it ({reason}); "
                f"make one with: openssl rand -hex 24 > {self.token_file}"
            ) from None
        if mode & 0o027:  # its group may read it (root:confide 0640, as confide.toml)
            raise ValueError(
                f"metrics.token_file {self.token_file}: open to other users (mode "
                f"{mode:04o}), so whoever reads it may read the figures; run "
                f"`chmod 640 {self.token_file}` (readable by confide's user or group)"
            )
        token = lines[0].strip() if lines else ""
        self._token_from_file = _checked_metrics_token(
            token, f"metrics.token_file {self.token_file}"
        )

    @field_validator("allowed_networks")
    @classmethod
    def _networks(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                ipaddress.ip_network(value, strict=False)
            except ValueError:
                raise ValueError(f"{value!r} is not a network (e.g. 10.0.0.0/8)") from None
        return values


class LoggingSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # json: one JSON object a line (for a log collector); text: a line for people. auto: text
    # when standard error is a terminal, JSON otherwise (a service, a container).
    format: Literal["auto", "json", "text"] = "auto"


class WatchSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    folders: list[WatchedFolderSettings] = []
    # Where held documents are kept: outside every watched folder. A relative path is read
    # from the configuration file's folder. Default: <data_dir>/quarantine.
    quarantine: Path | None = None
    # A full pass over every folder runs at start-up and then this often, as a backstop for
    # events the observers missed.
    reconcile_minutes: float = Field(default=60.0, gt=0)
    # Sandboxed scanning processes (each loads the NER model once); 0 means one per CPU.
    scan_workers: int = Field(default=0, ge=0)
    # Who owns a held file, by the account that owned it on this server when it was taken
    # into quarantine (a local account name, or a numeric uid), and their work address: told
    # when a manager rejects the document. On a network share every file has the mount's
    # owner: name each folder's owner there instead.
    owners: dict[str, str] = {}

    @field_validator("quarantine", mode="before")
    @classmethod
    def _quarantine(cls, value: object) -> object:
        return (
            value
            if value is None
            else _given_path(value, "the folder held documents go to, outside every watched folder")
        )

    @field_validator("owners")
    @classmethod
    def _owners(cls, values: dict[str, str]) -> dict[str, str]:
        for account, address in values.items():
            try:
                account_uid(account)
                plain_address(address)
            except ValueError as exc:
                raise ValueError(f"{account}: {exc}") from None
        return {account: address.strip() for account, address in values.items()}

    @model_validator(mode="after")
    def _quarantine_outside(self) -> WatchSettings:
        check_quarantine(self)
        return self

    def owner_by_uid(self) -> dict[int, str]:
        """The ``owners`` by numeric uid."""
        return {account_uid(account): address for account, address in self.owners.items()}


# An address told about a held document: a plain mailbox, no display name, no quoting.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$&'*+\-/=?^_`{|}~]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


def plain_address(value: str) -> str:
    """``value`` stripped, if it is a plain address (``ValueError`` otherwise)."""
    address = value.strip()
    if not _PLAIN_ADDRESS.fullmatch(address):
        raise ValueError(f"{value!r} is not a plain email address (e.g. name@charity.org.uk)")
    return address


def account_uid(account: str) -> int:
    """The uid of a local account, given by name or number (``ValueError`` if unknown)."""
    if account.isdigit():
        return int(account)
    try:
        return pwd.getpwnam(account).pw_uid
    except KeyError:
        raise ValueError(
            f"no account {account!r} on this server; give its numeric uid instead"
        ) from None


def check_owners_internal(watch: WatchSettings, internal_domains: list[str]) -> None:
    """Refuse an owner's address outside the organisation: the notice goes to staff only."""
    named = [(f"watch.owners.{a}", address) for a, address in watch.owners.items()]
    named += [(f"watch.folders[{n}].owner", f.owner) for n, f in enumerate(watch.folders)]
    for key, address in named:
        if address and not is_internal(address, internal_domains):
            raise ValueError(
                f"{key}: {address!r} is not in organisation.internal_domains; "
                "an owner is told at their work address"
            )


def check_quarantine(watch: WatchSettings) -> None:
    """Refuse a quarantine inside a watched folder (the watcher would watch what it holds),
    or one holding a watched folder (what it holds would lie in a watched tree, and a
    watched folder's files would lie among the held ones)."""
    for number, folder in enumerate(watch.folders):
        if watch.quarantine is None:
            continue
        if _inside(watch.quarantine, folder.path):
            raise ValueError(
                f"watch.quarantine {str(watch.quarantine)!r} lies inside the watched folder "
                f"watch.folders[{number}] ({str(folder.path)!r}); "
                "put it outside every watched folder"
            )
        if _inside(folder.path, watch.quarantine):
            raise ValueError(
                f"the watched folder watch.folders[{number}] ({str(folder.path)!r}) lies "
                f"inside watch.quarantine {str(watch.quarantine)!r}; the quarantine must be "
                "a folder of its own, outside every watched folder and holding none of them"
            )


def check_data_dir(data_dir: Path, watch: WatchSettings) -> None:
    """Refuse a ``data_dir`` inside a watched folder: the watcher would judge (and could
    take away) its own database and keys."""
    for number, folder in enumerate(watch.folders):
        if _inside(data_dir, folder.path):
            raise ValueError(
                f"data_dir {str(data_dir)!r} lies inside the watched folder "
                f"watch.folders[{number}] ({str(folder.path)!r}); "
                "put it outside every watched folder"
            )


def check_report_file(report: Path, watch: WatchSettings) -> None:
    """Refuse a discovery report written inside a watched folder: it names every file and
    what was found in it, and would lie in view of the folder's audience."""
    for number, folder in enumerate(watch.folders):
        if _inside(report, folder.path):
            raise ValueError(
                f"the report {str(report)!r} would lie inside the watched folder "
                f"watch.folders[{number}] ({str(folder.path)!r}); it lists the files that "
                "hold personal data: write it outside every watched folder"
            )


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.absolute().resolve(), folder.absolute().resolve()
    return path == folder or folder in path.parents


def host_and_port(value: str) -> tuple[str, int]:
    """``"HOST:PORT"`` (``"[::1]:25"`` for IPv6) as a pair; ``ValueError`` says what is wrong."""
    host, sep, port = value.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{value!r} is not HOST:PORT (e.g. 127.0.0.1:10025)")
    return host, int(port)


def config_path() -> Path:
    return Path(os.environ.get("CONFIDE_CONFIG", "confide.toml"))


def state_base() -> Path:
    """The folder a relative ``data_dir`` or ``key_file`` is read from: the configuration
    file's, or the working directory when there is no file."""
    path = config_path()
    return path.absolute().parent if path.is_file() else Path.cwd()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CONFIDE_", env_nested_delimiter="__", extra="forbid"
    )
    # Where the SQLite database and other local state live. A relative path is read from the
    # configuration file's folder (the working directory when there is no file), so that
    # confide finds the same database whichever directory it is started from.
    data_dir: Path = Path("var")
    detection: DetectionSettings = DetectionSettings()
    organisation: OrganisationSettings = OrganisationSettings()
    limits: ScanLimits = ScanLimits()
    relay: RelaySettings = RelaySettings()
    review: ReviewSettings = ReviewSettings()
    retention: RetentionSettings = RetentionSettings()
    watch: WatchSettings = WatchSettings()
    metrics: MetricsSettings = MetricsSettings()
    logging: LoggingSettings = LoggingSettings()

    @field_validator("data_dir", mode="before")
    @classmethod
    def _paths(cls, value: object) -> object:
        return _a_path(value)

    @model_validator(mode="before")
    @classmethod
    def _known_limits(cls, values: Any) -> Any:
        limits = values.get("limits") if isinstance(values, dict) else None
        if isinstance(limits, dict):
            known = {f.name for f in dataclasses.fields(ScanLimits)}
            unknown = sorted(set(limits) - known)
            if unknown:
                # Said by load_settings as pydantic's own unknown keys are (extra_forbidden).
                raise PydanticCustomError(
                    _UNKNOWN_LIMIT,
                    "{message}",
                    {
                        "key": f"limits.{unknown[0]}",
                        "message": unknown_setting("limits", unknown[0], known),
                    },
                )
        return values

    @model_validator(mode="after")
    def _room_for_the_model(self) -> Settings:
        if self.limits.worker_memory_bytes < MIN_WORKER_MEMORY_BYTES:
            raise ValueError(
                f"limits.worker_memory_bytes must be at least {MIN_WORKER_MEMORY_BYTES} "
                "(768 MiB): the NER model alone takes about 0.6 GB of a scanning worker's memory"
            )
        return self

    @model_validator(mode="after")
    def _state_beside_the_config(self) -> Settings:
        base = state_base()
        self.data_dir = (base / self.data_dir).absolute()
        if self.relay.key_file is not None:
            self.relay.key_file = (base / self.relay.key_file).absolute()
        if self.organisation.pseudonym_key_file is not None:
            key_file = base / self.organisation.pseudonym_key_file
            self.organisation.pseudonym_key_file = key_file.absolute()
        watch = self.watch
        if self.metrics.token_file is not None:
            self.metrics.token_file = (base / self.metrics.token_file).absolute()
        watch.quarantine = (base / (watch.quarantine or self.data_dir / "quarantine")).absolute()
        for folder in watch.folders:
            folder.path = (base / folder.path).absolute()
        # Checked again now that the default and relative paths are resolved.
        check_quarantine(watch)
        check_data_dir(self.data_dir, watch)
        check_owners_internal(watch, self.organisation.internal_domains)
        self.metrics.read_token_file()
        return self

    @model_validator(mode="after")
    def _networks_seen_through_the_proxy(self) -> Settings:
        # /metrics checks allowed_networks against the connection's own address, never a
        # forwarded one (anything on this machine can send X-Forwarded-For). Behind the
        # proxy every request through it comes from a trusted proxy's address, so a network
        # holding one would let the whole world in through the proxy.
        proxies = self.review.proxy_networks()
        for network in self.metrics.allowed_networks:
            allowed = ipaddress.ip_network(network, strict=False)
            for proxy in proxies:
                if proxy.version == allowed.version and proxy.overlaps(allowed):
                    named = proxy.network_address if proxy.num_addresses == 1 else proxy
                    raise ValueError(
                        f"metrics.allowed_networks {network} holds the proxy's address "
                        f"{named}: with review.behind_tls_proxy every request through "
                        "the proxy comes from it; use metrics.token for scrapes through the proxy"
                    )
        return self

    @property
    def quarantine(self) -> Path:
        """The quarantine folder, resolved (``_state_beside_the_config`` always sets it)."""
        assert self.watch.quarantine is not None
        return self.watch.quarantine

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_path())
        return init_settings, env_settings, toml


@functools.cache
def load_settings() -> Settings:
    """The settings in force, loaded once per process."""
    path = config_path()
    if "CONFIDE_CONFIG" in os.environ and not path.is_file():
        # Named on purpose: running on the defaults instead would use another database.
        raise ConfigError(f"{path}: no such configuration file (CONFIDE_CONFIG names it)")
    try:
        return Settings()
    except ValidationError as exc:
        errors = exc.errors()
        # A misspelt key first: it also explains a required key said to be missing.
        first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        loc = first["loc"]
        message = first["msg"]
        if first["type"] == "extra_forbidden":
            names = [str(part) for part in loc if not isinstance(part, int)]
            message = unknown_setting(".".join(names[:-1]), names[-1], _known_keys(loc[:-1]))
        elif first["type"] == _UNKNOWN_LIMIT:
            loc = tuple(str(first["ctx"]["key"]).split("."))
            message = str(first["ctx"]["message"])
        if not loc:  # a check across settings: its message names the setting first
            message = message.removeprefix("Value error, ")
            named = _NAMED_SETTING.match(message)
            loc = tuple(named[1].split(".")) if named else ()
            said = message
        else:
            said = f"{'.'.join(str(part) for part in loc)}: {message}"
        variable = "CONFIDE_" + "__".join(str(part).upper() for part in loc)
        source = variable if loc and variable in os.environ else str(path)  # where it came from
        raise ConfigError(f"{source}: {said}") from None
    except SettingsError as exc:  # an environment variable's list or table that is no JSON
        raise ConfigError(
            f"{exc}: in an environment variable a list or a table is written as JSON, e.g. "
            """CONFIDE_METRICS__ALLOWED_NETWORKS='["10.0.0.0/8"]'"""
        ) from None
    except ValueError as exc:  # a TOML syntax error
        raise ConfigError(f"{path}: {exc}") from None


# The setting a check across settings names at the start of its message ("metrics.token_file
# /etc/confide/metrics.token: ...").
_NAMED_SETTING = re.compile(r"([a-z_]+(?:\.[a-z_]+)+)\b")


# The error type of an unknown key in [limits] (a dataclass, which pydantic does not check).
_UNKNOWN_LIMIT = "unknown_limit"


def unknown_setting(section: str, name: str, known: Iterable[str]) -> str:
    """``unknown setting 'X' in [section] (did you mean 'Y'?)``: a misspelt key, with the
    closest known one when there is one close enough."""
    where = f"in [{section}]" if section else "at the top level"
    said = f"unknown setting {name!r} {where}"
    closest = difflib.get_close_matches(name, sorted(known), n=1)
    return f"{said} (did you mean {closest[0]!r}?)" if closest else said


def _known_keys(loc: tuple[int | str, ...]) -> list[str]:
    """The keys the table at ``loc`` (a path of keys and list indexes under Settings) takes."""
    model: Any = Settings
    for part in loc:
        if isinstance(part, int):
            continue  # a list's item: the model is already the item's
        model = _model_of(model.model_fields[part].annotation)
        if model is None:
            return []
    return list(model.model_fields)


def _model_of(annotation: Any) -> Any:
    """The pydantic model a field holds, through ``list[...]`` and ``| None``, or None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (list, Union, types.UnionType):
        for arg in get_args(annotation):
            model = _model_of(arg)
            if model is not None:
                return model
    return None
