from wms.exceptions import DomainError


class LabourRefused(DomainError):
    code = "labour_refused"
