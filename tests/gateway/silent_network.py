"""A TCP proxy on loopback whose connections can go silent: the network a test's database
connections cross, cut without a word to either end, as a firewall or a dead link does.

While a connection is silent nothing passes it either way, and nothing is closed: each end
goes on waiting for the other (their kernels still take what they send, into buffers that
are never read). ``cut`` silences the connections open now, and with ``new_too`` those made
after it (accepted, never passed on); ``close`` ends them all.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
from collections.abc import Iterator


class SilentNetwork:
    """Passes connections to ``host``:``port`` on from ``self.port`` on loopback."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)  # where connections are passed on to
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._listener, selectors.EVENT_READ)
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._selector.register(self._wake_reader, selectors.EVENT_READ)
        self._peers: dict[socket.socket, socket.socket] = {}
        self._silent: set[socket.socket] = set()
        self._new_silent = False
        self._lock = threading.Lock()
        self._settled = threading.Event()
        self._closing = False
        self._thread = threading.Thread(target=self._pass_on, name="silent-network", daemon=True)
        self._thread.start()

    def cut(self, *, new_too: bool = False) -> None:
        """Silence every connection open now (and, with ``new_too``, every one made later);
        once this returns, nothing more passes them."""
        with self._lock:
            self._silent.update(self._peers)
            self._new_silent = new_too
            self._settled.clear()
        self._wake_writer.send(b"x")
        self._settled.wait(timeout=10)

    def close(self) -> None:
        self._closing = True
        self._wake_writer.send(b"x")
        self._thread.join(timeout=10)
        for end in [self._listener, *self._peers, self._wake_reader, self._wake_writer]:
            end.close()
        self._selector.close()

    def _pass_on(self) -> None:
        while not self._closing:
            for key, _ in self._selector.select():
                end = key.fileobj
                assert isinstance(end, socket.socket)
                if end is self._wake_reader:
                    end.recv(64)
                    self._silence()
                elif end is self._listener:
                    self._accept()
                elif end in self._peers:
                    self._forward(end)

    def _silence(self) -> None:
        with self._lock:
            for end in self._silent:
                if end in self._peers and self._selector.get_map().get(end.fileno()):
                    self._selector.unregister(end)
        self._settled.set()

    def _accept(self) -> None:
        client, _ = self._listener.accept()
        server = socket.create_connection(self.target)
        with self._lock:
            self._peers[client], self._peers[server] = server, client
            if self._new_silent:
                self._silent.update((client, server))
                return
        self._selector.register(client, selectors.EVENT_READ)
        self._selector.register(server, selectors.EVENT_READ)

    def _forward(self, end: socket.socket) -> None:
        peer = self._peers[end]
        try:
            data = end.recv(65536)
            if data:
                peer.sendall(data)
                return
        except OSError:
            pass
        for gone in (end, peer):  # one end closed: close the other
            if self._selector.get_map().get(gone.fileno()):
                self._selector.unregister(gone)
            with self._lock:
                self._peers.pop(gone, None)
            gone.close()


@contextlib.contextmanager
def silent_network(host: str, port: int) -> Iterator[SilentNetwork]:
    """A ``SilentNetwork`` to ``host``:``port``, closed when the block ends."""
    network = SilentNetwork(host, port)
    try:
        yield network
    finally:
        network.close()
