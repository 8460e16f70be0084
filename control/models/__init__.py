"""Inventory control's models, one module per sub-domain (counts, holds, replenishment, the
work queue, alerts, transfers, returns); importers use `control.models`.

A count is blind: `CountExpectation` rows are the ledger at the moment the counter scanned the
bin, kept for the variance and never shown to the counter (views and API schemas leave them
out, and tests assert the numbers are absent)."""

from control.models.alerts import (
    LowStockAlert,
    ReorderPoint,
)
from control.models.counts import (
    COUNT_LIFECYCLE,
    OPEN_COUNT_STATUSES,
    AbcClass,
    CountExpectation,
    CountLine,
    CountPlan,
    CountSettings,
    CountStatus,
    CountTask,
    PlanKind,
    ProductClass,
)
from control.models.holds import (
    HOLD_LIFECYCLE,
    Hold,
    HoldKind,
    HoldLine,
    HoldReason,
    HoldStatus,
)
from control.models.replenishment import (
    OPEN_REPLENISHMENT_STATUSES,
    REPLENISHMENT_LIFECYCLE,
    PickFaceRule,
    ReplenishmentStatus,
    ReplenishmentTask,
    ReplenishmentTrigger,
)
from control.models.returns import (
    RETURN_LIFECYCLE,
    ReturnStatus,
    ReturnTask,
)
from control.models.transfers import (
    TRANSFER_LIFECYCLE,
    Transfer,
    TransferLine,
    TransferStatus,
)
from control.models.work import (
    WorkKind,
    WorkRule,
)

__all__ = [
    "COUNT_LIFECYCLE",
    "HOLD_LIFECYCLE",
    "OPEN_COUNT_STATUSES",
    "OPEN_REPLENISHMENT_STATUSES",
    "REPLENISHMENT_LIFECYCLE",
    "RETURN_LIFECYCLE",
    "TRANSFER_LIFECYCLE",
    "AbcClass",
    "CountExpectation",
    "CountLine",
    "CountPlan",
    "CountSettings",
    "CountStatus",
    "CountTask",
    "Hold",
    "HoldKind",
    "HoldLine",
    "HoldReason",
    "HoldStatus",
    "LowStockAlert",
    "PickFaceRule",
    "PlanKind",
    "ProductClass",
    "ReorderPoint",
    "ReplenishmentStatus",
    "ReplenishmentTask",
    "ReplenishmentTrigger",
    "ReturnStatus",
    "ReturnTask",
    "Transfer",
    "TransferLine",
    "TransferStatus",
    "WorkKind",
    "WorkRule",
]
