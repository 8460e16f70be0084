"""Every write of shipping. `catalog`: box types, packaging materials, carrier accounts."""
