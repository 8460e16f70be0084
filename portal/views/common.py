"""What every portal page shares: the permission it wears."""

USE = "portal.use_portal"
ADMIN = "portal.manage_client_users"
