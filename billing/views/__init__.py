"""Billing's manager pages, by sub-domain: rate cards (cards.py), charges and the unrated
queue (charges.py), periods and invoices (invoices.py)."""
