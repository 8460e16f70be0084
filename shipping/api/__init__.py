"""The shipping REST routes under /api/v1/ (mounted by wms.api by dotted path), by sub-domain:
`catalog` (box types), `packing` (the pack station: cartonization, cartons, slips, labels,
loading at the ship dock) and `shipments` (rates and labels, reconcile, void, manifests)."""

from ninja import Router

from shipping.api import catalog, packing, shipments

router = Router()
router.add_router("", catalog.router)
router.add_router("", shipments.router)
router.add_router("", packing.router)
