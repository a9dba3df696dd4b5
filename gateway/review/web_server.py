"""The review web app served by waitress (a production WSGI server) in threads of the
``confide run`` process, beside the relay's event loop; static files come from WhiteNoise."""

from __future__ import annotations

import ipaddress
import logging
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings as django_settings
from waitress import wasyncore
from waitress.proxy_headers import proxy_headers_middleware
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server
from waitress.trigger import trigger as Trigger

from gateway.config import Settings, StartupError, host_and_port
from gateway.health.metrics_access import CONNECTION_ADDRESS
from gateway.review.secret import NO_SECRET, ensure_secret_key

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger("confide.review")

# Requests served at once; a charity's managers and staff are a handful of people.
THREADS = 4
# How long stopping waits for the server's thread.
STOP_SECONDS = 5.0


class WebServer:
    """Waitress listening on ``review.listen``, running in its own thread until ``stop``."""

    def __init__(self, settings: Settings) -> None:
        from gateway.wsgi import application

        review = settings.review
        host, port = host_and_port(review.listen)
        try:
            self._server: BaseWSGIServer | MultiSocketServer = create_server(
                _keeping_the_connection_address(
                    _believing_the_proxy_only(application, review.proxy_networks())
                ),
                host=host,
                port=port,
                threads=THREADS,
                ident="confide",
                # Waitress' own filter would run first and, trusting no proxy, delete every
                # X-Forwarded-* header before ours saw it: ours is the one place that decides.
                clear_untrusted_proxy_headers=False,
            )
        except OSError as exc:
            raise StartupError(
                f"review.listen {review.listen}: {exc.strerror or exc}; "
                "choose another address in confide.toml ([review] listen)"
            ) from None
        self.url = f"http://{review.listen}/"
        self._thread = threading.Thread(target=self._server.run, name="review-web", daemon=True)

    def start(self) -> None:
        self._thread.start()
        log.info("review web app listening on %s", self.url)

    def stop(self) -> None:
        """Let the request threads finish, then stop listening and close open connections.

        The request threads finish first: one finishing a response pulls the server's
        trigger, which fails (EBADF) once the trigger is closed. The sockets are closed by
        the server's own thread, woken by its trigger: closed from here, a socket the thread
        was about to select() on failed it (EBADF)."""
        server = self._server
        server.task_dispatcher.shutdown(timeout=STOP_SECONDS)
        channels = server.map if isinstance(server, MultiSocketServer) else server._map
        if self._thread.is_alive():
            wake = next(c for c in channels.values() if isinstance(c, Trigger))
            wake.pull_trigger(lambda: wasyncore.close_all(channels))
            self._thread.join(STOP_SECONDS)
        if channels:  # never started (confide run stopped first), or its thread is gone
            wasyncore.close_all(channels)


def _believing_the_proxy_only(
    wsgi: WSGIApplication, proxies: list[ipaddress.IPv4Network | ipaddress.IPv6Network]
) -> WSGIApplication:
    """``wsgi`` taking the client's address and scheme from X-Forwarded-For and
    X-Forwarded-Proto on a connection from one of ``proxies`` (the last address the proxy
    added); from anywhere else every X-Forwarded-* and Forwarded header is removed."""
    trusting: WSGIApplication = proxy_headers_middleware(
        wsgi, trusted_proxy="*", trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto"}
    )
    distrusting: WSGIApplication = proxy_headers_middleware(
        wsgi, trusted_proxy=None, clear_untrusted=True
    )

    def believe(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            peer = ipaddress.ip_address(environ.get("REMOTE_ADDR", ""))
        except ValueError:
            return distrusting(environ, start_response)
        if any(peer in network for network in proxies):
            return trusting(environ, start_response)
        return distrusting(environ, start_response)

    return believe


def _keeping_the_connection_address(wsgi: WSGIApplication) -> WSGIApplication:
    """``wsgi`` with the connection's own address kept under ``CONNECTION_ADDRESS``."""

    def keep(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        environ[CONNECTION_ADDRESS] = environ.get("REMOTE_ADDR", "")
        return wsgi(environ, start_response)

    return keep


def sign_with_the_secret_key(settings: Settings) -> None:
    """Give Django the key that signs sessions: ``CONFIDE_SECRET_KEY``, or the file beside
    the database (made now if there is none: the data directory exists from here on)."""
    if django_settings.SECRET_KEY == NO_SECRET:
        django_settings.SECRET_KEY = ensure_secret_key(settings.data_dir)
