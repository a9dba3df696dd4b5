"""The known-subject matcher is built once per register version, and rebuilt on change."""

from __future__ import annotations

from scanner.consent import KnownSubject, MemoryConsentBook
from scanner.judging import MatcherCache


class CountingBook(MemoryConsentBook):
    """A register that counts how often its subjects are read."""

    reads = 0

    def subjects(self):  # type: ignore[override]
        self.reads += 1
        return super().subjects()


def test_the_matcher_is_rebuilt_only_when_the_register_changes():
    """Same version: same matcher, no read; a new subject: a new version, a new matcher."""
    book = CountingBook([KnownSubject("C-1", "carer", ("Amina Okafor",))])
    cache = MatcherCache()
    first = cache.get(book)
    assert cache.get(book) is first
    assert book.reads == 1
    book.known.append(KnownSubject("C-2", "carer", ("Hodan Warsame",)))
    second = cache.get(book)
    assert second is not first
    assert book.reads == 2
    assert [m.refs for m in second.find("Hodan Warsame rang")] == [frozenset({"C-2"})]
