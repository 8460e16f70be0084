from wms.exceptions import DomainError


class BrandingRefused(DomainError):
    """A logo that is not a small PNG, JPEG or WebP image."""

    code = "branding_refused"
    status = 422
