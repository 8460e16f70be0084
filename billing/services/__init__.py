"""Billing's writes, by sub-domain: rate cards (cards), the rating job (rating, rating_sql),
nightly storage (storage), periods (periods), invoices and credit notes (invoices), manual
charges and the unrated queue (charges)."""
