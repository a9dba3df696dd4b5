"""How long a node's claims last (``[relay] scan_lease_seconds``, ``delivery_lease_seconds``),
and the margins a delivery keeps inside its claim.

A claim is a lease: the node that holds it does the work; once it lapses (its node died, or
fell far behind) any node may claim the work again. A delivery's SMTP transaction must end
before its claim lapses, or another node could send the same copy meanwhile: a claim is used
only while a third of it is left (``send_margin``), and the transaction is abandoned when a
fifteenth is left (``record_margin``), the time to record that. With the defaults (15
minutes) that is 5 minutes and 1 minute.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from gateway.config import RelaySettings

SCAN_LEASE = timedelta(minutes=10)
DELIVERY_LEASE = timedelta(minutes=15)


@dataclass(frozen=True)
class Leases:
    """The lengths of a node's claims on messages to scan and on deliveries to send."""

    scan: timedelta = SCAN_LEASE
    delivery: timedelta = DELIVERY_LEASE

    @classmethod
    def from_settings(cls, relay: RelaySettings) -> Leases:
        return cls(
            scan=timedelta(seconds=relay.scan_lease_seconds),
            delivery=timedelta(seconds=relay.delivery_lease_seconds),
        )

    @property
    def send_margin(self) -> timedelta:
        """What must be left of a delivery's claim to start sending it."""
        return self.delivery / 3

    @property
    def record_margin(self) -> timedelta:
        """What is left of a delivery's claim when a transaction still going is abandoned."""
        return self.delivery / 15
