"""confide's scanner: a pure library that turns bytes into text segments, finds personal data
in them and (in later layers) decides and transforms. It imports no Django and does no I/O of
its own beyond what a caller hands it."""
