"""UK postcodes in every outward-code shape."""

import pytest

from tests.scanner.conftest import types_of


@pytest.mark.parametrize(
    "value",
    ["LS6 2AB", "M14 5RT", "SW1A 1AA", "B15 2TT", "EH1 1YZ", "ls6 2ab", "M145RT", "W1A 0AX"],
)
def test_postcodes_are_found(found, value):
    """Postcodes are found upper or lower case, with or without the space."""
    assert ("UK_POSTCODE", value) in found(f"She moved to Leeds, {value}, last year.")


@pytest.mark.parametrize("text", ["Room B12 on floor 3", "Model X1 2CV", "Code AB12 3CI"])
def test_postcode_lookalikes_are_not_postcodes(found, text):
    """Strings whose inward code uses letters postcodes never use are not postcodes."""
    assert "UK_POSTCODE" not in types_of(found(text))
