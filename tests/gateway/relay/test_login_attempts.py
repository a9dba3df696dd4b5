"""The AUTH throttle: an attempt is counted before its password is checked, so guesses made
at once cannot all be checked; a success forgets; old attempts age out."""

from __future__ import annotations

from gateway.relay.login_attempts import LoginAttempts


class _Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_guesses_made_at_once_are_counted_before_any_is_checked():
    """Twenty attempts from one address, none finished yet: only the allowed number may go on
    to the password check."""
    attempts = LoginAttempts(allowed=5, window_seconds=600, clock=_Clock())
    let_through = [attempts.may_check("192.0.2.7") for _ in range(20)]
    assert let_through.count(True) == 5
    assert let_through[:5] == [True] * 5


def test_other_addresses_are_counted_apart():
    """One address's guesses do not throttle another address."""
    attempts = LoginAttempts(allowed=2, window_seconds=600, clock=_Clock())
    for _ in range(5):
        attempts.may_check("192.0.2.7")
    assert attempts.may_check("198.51.100.1")


def test_a_success_forgets_its_clients_attempts():
    """After a good login the client may try again as if new."""
    attempts = LoginAttempts(allowed=2, window_seconds=600, clock=_Clock())
    assert attempts.may_check("192.0.2.7")
    assert attempts.may_check("192.0.2.7")
    attempts.succeeded("192.0.2.7")
    assert attempts.may_check("192.0.2.7")


def test_attempts_age_out_of_the_window():
    """Once the window has passed since an attempt, it no longer counts."""
    clock = _Clock()
    attempts = LoginAttempts(allowed=1, window_seconds=60, clock=clock)
    assert attempts.may_check("192.0.2.7")
    assert not attempts.may_check("192.0.2.7")
    clock.now += 61
    assert attempts.may_check("192.0.2.7")


def test_clients_with_nothing_recent_are_forgotten():
    """Many addresses trying once each must not fill memory: after a window they are gone."""
    clock = _Clock()
    attempts = LoginAttempts(allowed=3, window_seconds=60, clock=clock)
    for i in range(50):
        attempts.may_check(f"192.0.2.{i}")
    assert attempts.clients_remembered() == 50
    clock.now += 61
    attempts.may_check("198.51.100.1")
    assert attempts.clients_remembered() == 1
