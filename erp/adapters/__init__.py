"""The ERP adapters: one per kind of ERP, all behind erp.adapters.base.ErpAdapter; pick one with
erp.adapters.registry.adapter_for(connection)."""
