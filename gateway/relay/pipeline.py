"""What a scanning worker needs to process messages, built once per process from the settings,
and the settings the relay derives (its key file, redaction operators, node name, host
name, notice address)."""

from __future__ import annotations

import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

from gateway.config import Settings
from gateway.consent_book import DjangoConsentBook
from gateway.relay.leases import Leases
from gateway.review.links import item_link
from gateway.sealing import Sealer
from scanner.copying import prepare_in_worker
from scanner.judging import MatcherCache, Organisation
from scanner.operators import Operators, load_operators
from scanner.outcome import MessageTransforms
from scanner.policy.policy_file import Policy, load_policy
from scanner.scanning import Scanner
from scanner.transform import load_banner

# How often at most a scanning worker counts the register's subjects, the backstop for a
# write that bypasses its revision counter (``DjangoConsentBook.version``): not for every
# message, which would read every subject each time.
REGISTER_BACKSTOP_SECONDS = 1.0


@dataclass
class Pipeline:
    """Everything a worker needs to process messages, built once per process."""

    scanner: Scanner
    policy: Policy
    operators: Operators
    book: DjangoConsentBook
    matchers: MatcherCache
    organisation: Organisation
    organisation_name: str
    transforms: MessageTransforms
    sealer: Sealer
    node: str
    leases: Leases
    hostname: str
    notice_from: str
    review_base_url: str  # where the hold notice links to the item's page

    @classmethod
    def from_settings(cls, settings: Settings, scanner: Scanner) -> Pipeline:
        organisation = settings.organisation
        banner = load_banner(organisation.banner, organisation.name or "the sender")
        return cls(
            scanner=scanner,
            policy=load_policy(organisation.policy),
            operators=redaction_operators(settings),
            book=DjangoConsentBook(backstop_seconds=REGISTER_BACKSTOP_SECONDS),
            matchers=MatcherCache(),
            organisation=Organisation(tuple(organisation.internal_domains)),
            organisation_name=organisation.name,
            transforms=MessageTransforms(banner, scanner.pool.limits),
            sealer=Sealer.from_key_file(key_file(settings), create=True),
            node=node_name(settings),
            leases=Leases.from_settings(settings.relay),
            hostname=hostname(settings),
            notice_from=notice_from(settings),
            review_base_url=settings.review.base_url,
        )

    def warm_up(self) -> None:
        """Do now, once, what the first messages would otherwise each pay for: importing
        presidio's anonymizer (which redaction uses; about a second of CPU and several of
        waiting for the message that needs it first) in the sandboxed worker, which makes
        the copies (``processing``), as the first task it is given; and reading the review
        pages' URL patterns (for the hold notice's link). This process makes no copy, so it
        does not import the anonymizer (about 60 MiB)."""
        pool = self.scanner.pool
        pool.run_in_worker(prepare_in_worker, (), pool.limits.item_timeout_seconds)
        item_link(self.review_base_url, uuid.UUID(int=0))


def key_file(settings: Settings) -> Path:
    return settings.relay.key_file or settings.data_dir / "confide.key"


def redaction_operators(settings: Settings) -> Operators:
    """How each finding type leaves a redacted copy; its pseudonym key is made if needed."""
    organisation = settings.organisation
    key = organisation.pseudonym_key_file or settings.data_dir / "pseudonym.key"
    return load_operators(organisation.redaction, key)


def node_name(settings: Settings) -> str:
    return settings.relay.node or socket.gethostname()


def hostname(settings: Settings) -> str:
    return settings.relay.hostname or socket.getfqdn()


def notice_from(settings: Settings) -> str:
    if settings.relay.notice_from:
        return settings.relay.notice_from
    domains = settings.organisation.internal_domains
    return f"postmaster@{domains[0] if domains else hostname(settings)}"
