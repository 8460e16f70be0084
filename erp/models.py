"""ERP sync: connections to ERPs, the link between an ERP document and ours, the sync log, and
reconciliation runs.

Our documents never carry ERP ids: `ErpLink` maps (connection, ERP model, ERP id) to one of our
documents (an ASN, an order), so the floor apps know nothing of ERPs. `SyncRecord` is the log:
one row per document per direction and version, unique so that it can never be recorded twice
(an outbound row per (connection, event, kind); an inbound row per (connection, ERP document,
revision)). Pushes run from these rows, after commit."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from inventory.models import Client, Warehouse
from wms.validation import validate_code


class ErpKind(models.TextChoices):
    TRYTON = "tryton", "Tryton"


class ConnectionScope(models.TextChoices):
    CLIENT = "client", "A client's ERP"
    BOOKS = "books", "Our own books (3PL invoices)"


class UnknownSkuPolicy(models.TextChoices):
    CREATE = "create", "Create the product from the ERP's"
    REPORT = "report", "Report it and leave the document"


class ErpConnection(models.Model):
    """One ERP we talk to: a client's (its purchase and sales orders come in, receipts and
    shipments go back) or the tenant's own books (finalised invoices go out). The password is
    stored encrypted (wms.crypto) and never shown again."""

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=ErpKind.choices, default=ErpKind.TRYTON)
    scope = models.CharField(max_length=16, choices=ConnectionScope.choices)
    client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    url = models.URLField(max_length=300, help_text="The ERP's address, e.g. http://erp:8000/")
    database = models.CharField(max_length=100, validators=[validate_code])
    username = models.CharField(max_length=100)
    password_encrypted = models.TextField(blank=True, editable=False)
    # {ERP warehouse code: our warehouse code}; a document for an unmapped one is refused.
    warehouse_map = models.JSONField(default=dict, blank=True)
    # {billing kind: ERP product code} for 3PL invoice lines; "default" covers the rest.
    service_products = models.JSONField(default=dict, blank=True)
    unknown_sku_policy = models.CharField(
        max_length=16, choices=UnknownSkuPolicy.choices, default=UnknownSkuPolicy.REPORT
    )
    is_enabled = models.BooleanField(default=True)
    # Where the incremental pull resumes: the ERP's own (naive UTC) write time of the newest
    # document read, per document kind.
    pull_cursors = models.JSONField(default=dict, blank=True, editable=False)
    last_pull_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_test_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_test_ok = models.BooleanField(null=True, editable=False)
    last_test_message = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope=ConnectionScope.CLIENT) & Q(client__isnull=False))
                | (Q(scope=ConnectionScope.BOOKS) & Q(client__isnull=True)),
                name="erp_connection_client_iff_client_scope",
            ),
            models.UniqueConstraint(
                fields=["client"], condition=Q(client__isnull=False), name="one_erp_per_client"
            ),
            models.UniqueConstraint(
                fields=["scope"], condition=Q(scope=ConnectionScope.BOOKS), name="one_books_erp"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def mapped_warehouse_code(self, erp_code: str) -> str | None:
        value = self.warehouse_map.get(erp_code)
        return str(value) if value else None


class DocumentType(models.TextChoices):
    ASN = "asn", "ASN"
    ORDER = "order", "Order"
    INVOICE = "invoice", "Invoice"


class ErpLink(models.Model):
    """An ERP document and ours: a purchase and its ASN, a sale and its order. `content` is the
    ERP document as we last applied it (lines, address), so a later pull can tell a real change
    from our own pushes touching its write date. `flag` says why an ERP change could not be
    applied any more (the ASN is already being received)."""

    connection = models.ForeignKey(ErpConnection, on_delete=models.PROTECT, related_name="links")
    erp_model = models.CharField(max_length=64)
    erp_id = models.BigIntegerField()
    erp_number = models.CharField(max_length=64, blank=True)
    document_type = models.CharField(max_length=16, choices=DocumentType.choices)
    document_id = models.BigIntegerField()
    warehouse = models.ForeignKey(
        Warehouse, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    content = models.JSONField(default=dict, blank=True)
    flag = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "erp_model", "erp_id"], name="one_link_per_erp_document"
            ),
            models.UniqueConstraint(
                fields=["connection", "document_type", "document_id"],
                name="one_link_per_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.erp_model} {self.erp_number or self.erp_id} ↔ {self.document_type}"


class Direction(models.TextChoices):
    INBOUND = "inbound", "From the ERP"
    OUTBOUND = "outbound", "To the ERP"


class SyncKind(models.TextChoices):
    PURCHASE = "purchase", "Purchase order → ASN"
    SALE = "sale", "Sales order → order"
    RECEIPT = "receipt", "Closed ASN → incoming shipment"
    SHIPMENT = "shipment", "Shipped order → customer shipment"
    INVOICE = "invoice", "Finalised invoice → customer invoice"


class SyncState(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class SyncRecord(models.Model):
    """One document synced in one direction: its state, attempts, the ERP's id and number, and
    the ERP's own error message. Outbound rows are recorded from outbox events in the event
    reader's transaction and pushed after commit; a done or skipped row is never pushed again."""

    connection = models.ForeignKey(ErpConnection, on_delete=models.PROTECT, related_name="records")
    direction = models.CharField(max_length=16, choices=Direction.choices)
    kind = models.CharField(max_length=16, choices=SyncKind.choices)
    state = models.CharField(max_length=16, choices=SyncState.choices, default=SyncState.PENDING)
    event_id = models.BigIntegerField(null=True, blank=True)
    erp_model = models.CharField(max_length=64, blank=True)
    erp_id = models.BigIntegerField(null=True, blank=True)
    erp_number = models.CharField(max_length=64, blank=True)
    # Inbound: the ERP document's write time as read, so a repeat pull of it records nothing.
    erp_revision = models.CharField(max_length=40, blank=True)
    document_type = models.CharField(max_length=16, choices=DocumentType.choices, blank=True)
    document_id = models.BigIntegerField(null=True, blank=True)
    reference = models.CharField(max_length=64, blank=True)
    message = models.TextField(blank=True, help_text="What was done, or the ERP's error.")
    skip_reason = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "event_id", "direction"],
                condition=Q(event_id__isnull=False),
                name="one_sync_per_event",
            ),
            models.UniqueConstraint(
                fields=["connection", "erp_model", "erp_id", "erp_revision"],
                condition=Q(direction="inbound"),
                name="one_sync_per_erp_revision",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["connection", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference} ({self.state})"


class ReconciliationRun(models.Model):
    """One comparison of a client's ERP on-hand per SKU with ours: `rows` lists the SKUs that
    differ ({"sku", "erp", "wms", "difference"}); `error` says why the run could not compare."""

    connection = models.ForeignKey(
        ErpConnection, on_delete=models.PROTECT, related_name="reconciliations"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    skus_compared = models.PositiveIntegerField(default=0)
    differences = models.PositiveIntegerField(default=0)
    rows = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"reconciliation {self.pk} of {self.client_id}"
