"""Every write to inventory: `ledger` for stock, `master` for master data."""
