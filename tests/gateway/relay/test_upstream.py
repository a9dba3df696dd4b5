"""Sending to the upstream over kept connections: one connection for many copies, a closed
or stale one replaced before anything is sent on it, every copy sent exactly once, and no
transaction going on past its deadline."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from aiosmtpd.controller import Controller

from gateway.config import UpstreamSettings
from gateway.relay.upstream import Connections, send
from tests.e2e.conftest import free_port
from tests.gateway.relay.conftest import Upstream

CONTENT = b"Subject: rota\r\n\r\nThe rota is on the shared calendar.\r\n"
SENDER = "priya@riverside-carers.example.org"


def test_copies_in_a_row_share_one_connection(upstream: tuple[Upstream, UpstreamSettings]):
    handler, settings = upstream
    connections = Connections(settings, "relay.example.org")
    for address in ("a@example.net", "b@example.net", "c@example.net"):
        replies = send(connections, SENDER, CONTENT, [address])
        assert replies[address].code == 250
    assert handler.accepted == [("a@example.net",), ("b@example.net",), ("c@example.net",)]
    assert handler.greetings == 1
    connections.close()


def test_a_refused_transaction_is_cleared_and_the_connection_kept(
    upstream: tuple[Upstream, UpstreamSettings],
):
    handler, settings = upstream
    handler.refuse.add("gone@example.net")
    connections = Connections(settings, "relay.example.org")
    assert send(connections, SENDER, CONTENT, ["gone@example.net"])["gone@example.net"].code == 550
    assert send(connections, SENDER, CONTENT, ["a@example.net"])["a@example.net"].code == 250
    assert handler.accepted == [("a@example.net",)]  # RSET: the refused one left no trace
    assert handler.greetings == 1
    connections.close()


def test_a_connection_idle_too_long_is_not_used(upstream: tuple[Upstream, UpstreamSettings]):
    handler, settings = upstream
    connections = Connections(settings, "relay.example.org", keep_idle_seconds=0)
    send(connections, SENDER, CONTENT, ["a@example.net"])
    send(connections, SENDER, CONTENT, ["b@example.net"])
    assert handler.greetings == 2
    connections.close()


def test_a_kept_connection_the_upstream_closed_is_replaced():
    """The upstream restarted while a connection was kept: the copy goes once, on a new one."""
    handler = Upstream()
    port = free_port()
    settings = UpstreamSettings(host="127.0.0.1", port=port, timeout_seconds=5)
    connections = Connections(settings, "relay.example.org")
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        send(connections, SENDER, CONTENT, ["a@example.net"])
        controller.stop()  # closes the kept connection's other end
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        replies = send(connections, SENDER, CONTENT, ["b@example.net"])
    finally:
        controller.stop()
        connections.close()
    assert replies["b@example.net"].code == 250
    assert handler.accepted == [("a@example.net",), ("b@example.net",)]
    assert handler.greetings == 2


def test_no_upstream_is_no_answer_for_everyone():
    settings = UpstreamSettings(host="127.0.0.1", port=free_port(), timeout_seconds=5)
    replies = send(Connections(settings, "relay.example.org"), SENDER, CONTENT, ["a@x.net"])
    assert replies["a@x.net"].code == 0
    assert "no answer from the upstream" in replies["a@x.net"].text


def test_a_transaction_is_abandoned_at_its_deadline(upstream: tuple[Upstream, UpstreamSettings]):
    """A slow upstream (half a second per RCPT, six recipients) and a deadline a second away:
    the transaction stops at the deadline, nobody counts as sent, and nothing is."""
    handler, settings = upstream
    handler.rcpt_seconds = 0.5
    connections = Connections(settings, "relay.example.org")
    recipients = [f"r{i}@example.net" for i in range(6)]
    replies = send(connections, SENDER, CONTENT, recipients, deadline=time.monotonic() + 1.0)
    assert {reply.code for reply in replies.values()} == {0}
    assert handler.accepted == []
    handler.rcpt_seconds = 0.0  # the next transaction, with time enough, goes through
    replies = send(connections, SENDER, CONTENT, recipients[:1], time.monotonic() + 10)
    assert replies[recipients[0]].code == 250
    connections.close()


def test_abort_cuts_a_transaction_under_way_and_refuses_new_ones(
    upstream: tuple[Upstream, UpstreamSettings],
):
    """When the relay stops, a transaction waiting on a slow upstream ends at once, counted
    as not answered (so retried), and no new one starts."""
    handler, settings = upstream
    handler.rcpt_seconds = 5.0
    connections = Connections(settings, "relay.example.org")
    replies: dict[str, object] = {}
    sending = threading.Thread(
        target=lambda: replies.update(send(connections, SENDER, CONTENT, ["a@example.net"]))
    )
    sending.start()
    while handler.greetings == 0:
        time.sleep(0.01)
    time.sleep(0.2)  # waiting for the RCPT reply now
    began = time.monotonic()
    connections.abort()
    sending.join(timeout=10)
    assert time.monotonic() - began < 1.0
    assert str(replies["a@example.net"]).startswith("no answer from the upstream")
    later = send(connections, SENDER, CONTENT, ["b@example.net"])["b@example.net"]
    assert later.code == 0
    assert handler.accepted == []


def test_a_stop_spares_a_transaction_waiting_for_the_answer_to_its_final_dot(
    upstream: tuple[Upstream, UpstreamSettings],
):
    """The upstream has the copy once its final dot is sent: the relay's stop lets that
    transaction hear the answer (cut, the copy counted as not answered went again after the
    restart), while no new transaction starts."""
    handler, settings = upstream
    handler.data_seconds = 1.0
    connections = Connections(settings, "relay.example.org")
    replies: dict[str, object] = {}
    sending = threading.Thread(
        target=lambda: replies.update(send(connections, SENDER, CONTENT, ["a@example.net"]))
    )
    sending.start()
    while handler.greetings == 0:
        time.sleep(0.01)
    time.sleep(0.5)  # the final dot is sent: waiting for its answer now
    assert connections.abort(sparing_answers_due=True) == 1
    assert send(connections, SENDER, CONTENT, ["b@example.net"])["b@example.net"].code == 0
    sending.join(timeout=10)
    assert str(replies["a@example.net"]).startswith("250")
    assert handler.accepted == [("a@example.net",)]


@contextmanager
def upstream_offering(smtputf8: bool) -> Iterator[tuple[Upstream, UpstreamSettings]]:
    """An upstream that offers SMTPUTF8 or not (aiosmtpd offers it unless told not to)."""
    handler = Upstream()
    controller = Controller(
        handler, hostname="127.0.0.1", port=free_port(), enable_SMTPUTF8=smtputf8
    )
    controller.start()
    try:
        yield handler, UpstreamSettings(host="127.0.0.1", port=controller.port, timeout_seconds=5)
    finally:
        controller.stop()


def test_an_address_smtp_cannot_carry_is_refused_for_good_and_the_rest_sent():
    """Non-ASCII addresses and an upstream without SMTPUTF8: such a recipient or sender is
    refused (5xx, so the sender gets a bounce, rather than a retry for ever), the other
    recipient is sent, and the connection is kept."""
    with upstream_offering(smtputf8=False) as (handler, settings):
        connections = Connections(settings, "relay.example.org")
        replies = send(connections, SENDER, CONTENT, ["josé@example.net", "a@example.net"])
        assert replies["josé@example.net"].code == 553
        assert replies["a@example.net"].code == 250
        other = send(connections, "josé@riverside-carers.example.org", CONTENT, ["b@x.net"])
        assert other["b@x.net"].code == 553
        assert send(connections, SENDER, CONTENT, ["c@example.net"])["c@example.net"].code == 250
        connections.close()
    assert handler.accepted == [("a@example.net",), ("c@example.net",)]
    assert handler.greetings == 1


def test_a_non_ascii_address_goes_with_smtputf8_where_the_upstream_offers_it():
    """An upstream that offers SMTPUTF8 is sent a non-ASCII address with it."""
    with upstream_offering(smtputf8=True) as (handler, settings):
        connections = Connections(settings, "relay.example.org")
        replies = send(connections, SENDER, CONTENT, ["josé@example.net"])
        connections.close()
    assert replies["josé@example.net"].code == 250
    assert handler.accepted == [("josé@example.net",)]


def test_an_upstream_slow_to_answer_the_final_dot_gets_the_copy_once(
    upstream: tuple[Upstream, UpstreamSettings],
):
    """The hostile tester's upstream took longer than `timeout_seconds` to answer the final
    dot (it had stored the copy): confide gave up and sent the copy again at every retry.
    The answer to the final dot is waited for as RFC 5321 asks."""
    handler, settings = upstream
    handler.data_seconds = 2.0
    connections = Connections(settings.model_copy(update={"timeout_seconds": 0.5}), "relay.test")
    replies = send(connections, SENDER, CONTENT, ["a@example.net"], time.monotonic() + 30)
    connections.close()
    assert replies["a@example.net"].code == 250
    assert handler.accepted == [("a@example.net",)]


def test_the_content_is_dot_stuffed_and_ends_with_its_line(
    upstream: tuple[Upstream, UpstreamSettings],
):
    handler, settings = upstream
    content = b"Subject: dots\r\n\r\n.leading dot\r\n..two\r\nno final line end"
    connections = Connections(settings, "relay.test")
    assert send(connections, SENDER, content, ["a@example.net"])["a@example.net"].code == 250
    connections.close()
    assert handler.contents == [content + b"\r\n"]  # aiosmtpd takes the dots off again
