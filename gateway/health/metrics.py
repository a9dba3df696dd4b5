"""What ``/metrics`` reports, in Prometheus' format (prometheus-client).

The state of the work (verdicts, holds, the delivery queue, watched files) is read from the
database at each scrape by ``StoredStateCollector``, so every node reports the same figures
whichever process is scraped. Scan latency and the kinds of unreadable items are events in
this process, so they are kept here: each process reports its own (Prometheus sums them).
Labels are fixed words (actions, rule ids, states, kinds of problem), never addresses, paths
or message text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import CollectorRegistry, Histogram
from prometheus_client import Counter as EventCounter
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from scanner import unscannable

REGISTRY = CollectorRegistry()

# From a text message (tens of ms) to one at the scan time limit (limits.max_scan_seconds).
SCAN_SECONDS = Histogram(
    "confide_scan_seconds",
    "Time to scan and decide one message, in a scanning worker, seen by the relay.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
    registry=REGISTRY,
)

# The doors an item comes through: a message to the relay, a file in a watched folder.
DOORS = ("mail", "file")
UNSCANNABLE_ITEMS = EventCounter(
    "confide_unscannable_items",
    "Items judged in this process that could not all be read, by door and kind of problem "
    "(an item with problems of two kinds counts under each).",
    labelnames=("door", "reason"),
    registry=REGISTRY,
)
for _door in DOORS:  # every series from the start, so that rate() sees the first one
    for _kind in unscannable.KINDS:
        UNSCANNABLE_ITEMS.labels(_door, _kind)


def count_unscannable(door: str, kinds: Iterable[str]) -> None:
    """Count one item under each kind of problem (``scanner.unscannable.KINDS``) found in it.
    Only those fixed words become labels: a word outside them is a bug, refused here."""
    for kind in kinds:
        if door not in DOORS or kind not in unscannable.KINDS:
            raise ValueError(f"not a door and kind of problem: {door!r}, {kind!r}")
        UNSCANNABLE_ITEMS.labels(door, kind).inc()


# The policy's rules that hold what could not be read (rules/default.yaml).
UNSCANNABLE_RULES = ("unscannable", "unscannable-internal")


class StoredStateCollector(Collector):
    """The relay's and the watcher's state, counted in the database when scraped."""

    def collect(self) -> Iterator[Metric]:
        from gateway.relay.models import Delivery, DeliveryState, Outcome, ReviewState
        from gateway.watcher.models import WatchedFile

        now = timezone.now()
        by_rule: Counter[tuple[str, str]] = Counter()
        unscannable: Counter[str] = Counter()
        for row in Outcome.objects.values("action", "rules").annotate(n=Count("id")):
            for rule in row["rules"] or [""]:
                by_rule[(row["action"], rule)] += row["n"]
                if rule in UNSCANNABLE_RULES:
                    unscannable[rule] += row["n"]
        verdicts = GaugeMetricFamily(
            "confide_recipient_verdicts",
            "Recipients of stored messages by the action decided and each rule that fired.",
            labels=["action", "rule"],
        )
        for (action, rule), count in sorted(by_rule.items()):
            verdicts.add_metric([action, rule], count)
        yield verdicts

        unreadable = GaugeMetricFamily(
            "confide_unscannable_recipients",
            "Recipients held because the message could not be read, by the rule that held it.",
            labels=["rule"],
        )
        for rule in UNSCANNABLE_RULES:
            unreadable.add_metric([rule], unscannable[rule])
        yield unreadable

        held = Outcome.objects.filter(review_state=ReviewState.HELD)
        yield GaugeMetricFamily(
            "confide_recipients_held", "Recipients held for a manager.", value=held.count()
        )
        oldest = held.aggregate(oldest=Min("message__received_at"))["oldest"]
        yield GaugeMetricFamily(
            "confide_oldest_held_age_seconds",
            "Age of the oldest message with a recipient held (0: none held).",
            value=_age(now, oldest),
        )

        states = GaugeMetricFamily(
            "confide_deliveries", "Deliveries to the upstream by state.", labels=["state"]
        )
        counts = dict(
            Delivery.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n")
        )
        for state in DeliveryState.values:
            states.add_metric([state], counts.get(state, 0))
        yield states
        queued = Delivery.objects.filter(state=DeliveryState.QUEUED)
        yield GaugeMetricFamily(
            "confide_delivery_queue_depth",
            "Deliveries waiting to be sent (new or to retry).",
            value=counts.get(DeliveryState.QUEUED, 0),
        )
        yield GaugeMetricFamily(
            "confide_delivery_queue_oldest_age_seconds",
            "Age of the oldest delivery waiting to be sent (0: none waiting).",
            value=_age(now, queued.aggregate(oldest=Min("created_at"))["oldest"]),
        )
        yield GaugeMetricFamily(
            "confide_deliveries_retried",
            "Deliveries tried more than once (any state).",
            value=Delivery.objects.filter(attempts__gt=1).count(),
        )

        files = GaugeMetricFamily(
            "confide_watched_files",
            "Files present in watched folders by the action decided ('' not yet judged).",
            labels=["action"],
        )
        present = WatchedFile.objects.filter(present=True)
        for action, count in sorted(
            present.values_list("action").annotate(n=Count("id")).values_list("action", "n")
        ):
            files.add_metric([action], count)
        yield files


def _age(now: datetime, since: datetime | None) -> float:
    return 0.0 if since is None else max((now - since).total_seconds(), 0.0)


REGISTRY.register(StoredStateCollector())
