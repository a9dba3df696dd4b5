"""The consent register: data subjects, partner agencies, and the consents that link them.

A Django app of its own (label ``register``) inside the gateway project: ``models`` holds the
tables, ``csv_import`` reads the case-management system's export into them, and
``gateway.consent_book`` shows them to the scanner as a ``ConsentBook``.
"""
