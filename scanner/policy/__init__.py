"""The policy: rules read from rules/default.yaml, and the engine that walks them."""
