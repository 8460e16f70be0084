"""The client portal's pages (/portal/), one module per area. Every page wears
`@page(USE)` (client users only) and reads through portal.selectors or the owning app's
selectors, which scope to the user's client: another client's record answers 404."""
