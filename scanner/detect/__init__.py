"""Detection: Presidio with UK-first recognizers configured from rules/."""
