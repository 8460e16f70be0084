"""The inventory REST routes under /api/v1/ (mounted by wms.api by dotted path): master data,
products and lots, stock. Routes are thin: parse, one service or selector call, a schema out."""

from ninja import Router

from inventory.api import master, products, stock

router = Router()
router.add_router("", master.router)
router.add_router("", products.router)
router.add_router("", stock.router)
