"""Request and response shapes of the inventory API, by sub-domain: `master` (clients,
warehouses, zones, locations), `products` (products, barcodes, lots), `stock` (LPNs, balances,
the ledger, adjustments); Input validation only: no writes, and no
reads beyond turning a query into a selector's filters."""
