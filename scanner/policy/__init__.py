"""The policy: policy_file.py reads rules/default.yaml; verdicts.py walks its rules."""
