class ProvisioningError(Exception):
    """Provisioning could not finish; the tenant is marked failed with this message."""
