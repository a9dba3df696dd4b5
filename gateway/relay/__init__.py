"""The outbound SMTP relay: receive and store, scan and decide per recipient, deliver."""
