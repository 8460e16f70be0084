"""Every write of the picking app. Lock order: wave, then orders by pk, then pick lists, then
order lines and pick lines by pk, then whatever inventory locks (locations, balances,
reservations)."""
