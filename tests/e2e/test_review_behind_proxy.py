"""`confide run` with ``behind_tls_proxy``, asked over real HTTP exactly as the README's
nginx block asks: from the trusted proxy's address the forwarded scheme and client address
are believed; from any other address the same headers are ignored."""

from __future__ import annotations

import http.client
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.confide_run import ConfideRun, confide_running
from tests.e2e.conftest import Sink

pytestmark = pytest.mark.slow

HOST = "review.example.org"
CLIENT = "198.51.100.7"
# Another address of this machine's loopback: not the trusted proxy.
ELSEWHERE = "127.0.0.2"
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")


@pytest.fixture
def run(tmp_path: Path, sink: Sink) -> Iterator[ConfideRun]:
    review = f'hosts = ["127.0.0.1", "{HOST}"]\nbehind_tls_proxy = true\n'
    review += 'trusted_proxies = ["127.0.0.1"]\n'
    with confide_running(tmp_path, sink.port, [], review=review) as made:
        yield made


def _ask(
    run: ConfideRun, source: str, method: str, path: str, body: str = "", **headers: str
) -> http.client.HTTPResponse:
    """``method path`` from the address ``source``, with the proxy's headers."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", run.web_port, timeout=30, source_address=(source, 0)
    )
    forwarded = {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": CLIENT}
    connection.request(method, path, body=body.encode(), headers={**forwarded, **headers})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def _fail_a_sign_in(run: ConfideRun, source: str) -> None:
    """A wrong password for "nobody" through the proxy's headers from ``source``."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", run.web_port, timeout=30, source_address=(source, 0)
    )
    forwarded = {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": CLIENT}
    connection.request("GET", "/login/", headers=forwarded)
    page = connection.getresponse()
    token = _TOKEN.search(page.read().decode())
    cookie = _CSRF_COOKIE.search(page.getheader("Set-Cookie") or "")
    assert token, page.status
    assert cookie, page.status
    form = {"username": "nobody", "password": "wrong", "csrfmiddlewaretoken": token[1]}
    connection.request(
        "POST", "/login/", body=urllib.parse.urlencode(form).encode(),
        headers={
            **forwarded, "Cookie": f"csrftoken={cookie[1]}", "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}/login/",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )  # fmt: skip
    failed = connection.getresponse()
    failed.read()
    connection.close()
    assert failed.status == 200, failed.status  # the form again, saying the sign-in failed


_THROTTLED = """
from axes.models import AccessAttempt
print(json.dumps(sorted(AccessAttempt.objects.values_list("ip_address", flat=True))))
"""


def test_the_proxys_headers_are_believed_from_it_only(run: ConfideRun) -> None:
    """From the trusted proxy the sign-in page answers (no redirect loop) and the sign-in
    throttle counts the forwarded client's address; from elsewhere the same headers are
    ignored: plain HTTP is redirected and the connection's own address is counted."""
    assert _ask(run, "127.0.0.1", "GET", "/login/").status == 200
    _fail_a_sign_in(run, "127.0.0.1")
    assert run.python(_THROTTLED) == [CLIENT]

    spoofed = _ask(run, ELSEWHERE, "GET", "/login/")
    assert spoofed.status == 301
    assert spoofed.getheader("Location") == f"https://{HOST}/login/"
    refused = _ask(run, ELSEWHERE, "POST", "/login/", body="username=nobody&password=wrong")
    assert refused.status == 301  # still plain HTTP: never reaches the sign-in form
