"""The one place that decides "may this user do X (on this object)". Every view and API route asks
here, through `user.has_perm(...)` (django-rules) or the helpers below.

Object scope: an object with a `warehouse_id` is visible to operators assigned to that warehouse;
an object with a `client_id` is visible to client users of that client only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404

from wms.accounts.models import Role
from wms.scope import scope_of

if TYPE_CHECKING:
    from wms.accounts.models import User


@rules.predicate
def is_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.ADMIN)


@rules.predicate
def is_manager(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.MANAGER)


@rules.predicate
def is_operator(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.OPERATOR)


@rules.predicate
def is_client_user(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.CLIENT)


@rules.predicate
def is_client_admin(user: User) -> bool:
    """A client user their client made the administrator of their own users and tokens."""
    return bool(is_client_user(user) and getattr(user, "is_client_admin", False))


@rules.predicate
def in_scope(user: User, obj: Any) -> bool:
    """True when the object lies inside the user's warehouses and client. An object says where
    it is by `warehouse_id` (a warehouse is its own) and whose it is by `client_id`."""
    if obj is None:
        return True
    warehouse_id = getattr(obj, "warehouse_id", None)
    if (
        user.role == Role.OPERATOR
        and warehouse_id is not None
        and warehouse_id not in warehouse_ids_for(user)
    ):
        return False
    client_id = getattr(obj, "client_id", None)
    if user.role == Role.CLIENT:
        # A client user sees only objects that name their client.
        return client_id is not None and client_id == scope_of(user).client_id
    return True


def warehouse_ids_for(user: User) -> frozenset[int]:
    """The warehouses an operator may work in."""
    return scope_of(user).warehouse_ids


def client_id_of(user: User) -> int:
    """The client a client user is confined to: assigning the role requires one, so scoping
    never falls back to every client."""
    client_id = scope_of(user).client_id
    if client_id is None:
        raise PermissionDenied("This client user belongs to no client.")
    return client_id


@rules.predicate
def manager_may_administer(user: User, subject: Any) -> bool:
    """The users a manager administers: themselves, operators and client users. Never an admin
    (a token acts as its user, so that would hand a manager the admin's powers), nor another
    manager (a token of a peer would let them act as that peer)."""
    if subject is None:
        return False
    return bool(subject.pk == user.pk or subject.role in (Role.OPERATOR, Role.CLIENT))


@rules.predicate
def client_admin_may_administer(user: User, subject: Any) -> bool:
    """The users a client admin administers: the client users of their own client."""
    if subject is None:
        return False
    return bool(
        subject.role == Role.CLIENT
        and scope_of(subject).client_id is not None
        and scope_of(subject).client_id == scope_of(user).client_id
    )


staff = is_admin | is_manager
floor_staff = is_admin | is_manager | is_operator
anyone = is_admin | is_manager | is_operator | is_client_user

rules.add_perm("wms.view_dashboard", staff)
rules.add_perm("wms.manage_users", is_admin)
rules.add_perm("wms.manage_api_tokens", is_admin)
# The tokens API (/api/v1/tokens): admins for anyone of their tenant, managers for the users they
# administer (above); checked on the token's user. Operators and client users not at all.
rules.add_perm("wms.use_tokens_api", staff)
rules.add_perm(
    "wms.manage_tokens_of",
    is_admin
    | (is_manager & manager_may_administer)
    | (is_client_admin & client_admin_may_administer),
)
rules.add_perm("wms.use_admin_site", is_admin)
rules.add_perm("wms.use_floor", floor_staff)
rules.add_perm("wms.use_api", anyone)
rules.add_perm("wms.view_account", anyone)
# Master data (inventory): everyone in scope reads; managers and admins change.
rules.add_perm("inventory.view_warehouse", anyone & in_scope)
rules.add_perm("inventory.change_warehouse", staff)
rules.add_perm("inventory.view_client", anyone & in_scope)
rules.add_perm("inventory.change_client", staff)
# Stock and master data pages. Client users will see their own stock in the portal (later issue).
rules.add_perm("inventory.view_stock", staff)
rules.add_perm("inventory.view_master_data", staff)
rules.add_perm("inventory.change_master_data", staff)
rules.add_perm("inventory.adjust_stock", staff)
rules.add_perm("inventory.view_product", anyone & in_scope)
# A client user keeps their own client's catalogue in the portal (checked on the product).
rules.add_perm("inventory.change_product", staff | (is_client_user & in_scope))
# Receiving: floor staff scan against ASNs; only managers and admins take goods nobody announced.
rules.add_perm("receiving.receive", floor_staff & in_scope)
rules.add_perm("receiving.receive_unexpected", staff)
rules.add_perm("receiving.receive_blind", staff)
rules.add_perm("receiving.manage_asn", staff)
# Submitting an ASN (create, mark expected): managers, and a client announcing its own goods
# (checked on the ASN, so a client user only for their client).
rules.add_perm("receiving.submit_asn", (staff | is_client_user) & in_scope)
# Putaway: floor staff put away where the system directs; only managers put away elsewhere (with
# a reason) and re-propose a task that fits nowhere.
rules.add_perm("receiving.putaway", floor_staff & in_scope)
rules.add_perm("receiving.putaway_override", staff)
rules.add_perm("receiving.manage_putaway", staff)
# Labels from the pages: floor staff print LPN and bin labels in their warehouses; bulk bin labels
# and the receiving history are desk work for managers. Client users print none (the API decides
# for itself what a client token may download).
rules.add_perm("receiving.print_labels", floor_staff & in_scope)
rules.add_perm("receiving.print_location_labels", staff)
rules.add_perm("receiving.view_history", staff)
# Picking: managers run orders and waves; a client user creates and cancels its own client's
# orders (checked on the order); floor staff pick in their warehouses.
rules.add_perm("picking.view_orders", staff)
rules.add_perm("picking.view_order", (staff | is_client_user) & in_scope)
rules.add_perm("picking.create_order", (staff | is_client_user) & in_scope)
rules.add_perm("picking.cancel_order", (staff | is_client_user) & in_scope)
rules.add_perm("picking.allocate", staff)
rules.add_perm("picking.manage_waves", staff)
rules.add_perm("picking.view_pick_monitor", staff)
rules.add_perm("picking.pick", floor_staff & in_scope)
# Shipping: managers and admins keep the catalog (box types, packaging materials, carrier
# accounts); floor staff pack in their warehouses. Everyone with API access reads box types.
rules.add_perm("shipping.view_catalog", staff)
rules.add_perm("shipping.manage_catalog", staff)
rules.add_perm("shipping.pack", floor_staff & in_scope)
# Shipments: managers and admins see every shipment, retry, void and manifest; floor staff load
# cartons onto the truck at the ship dock of their warehouses.
rules.add_perm("shipping.manage_shipments", staff)
rules.add_perm("shipping.ship", floor_staff & in_scope)
# Billing: managers and admins keep rate cards, work the unrated queue, add manual charges,
# close, re-rate and finalise invoices and issue credit notes; a client user reads their own
# client's charges and invoices (checked on the object, and scoped by billing.selectors).
rules.add_perm("billing.view_billing", staff)
rules.add_perm("billing.manage_billing", staff)
rules.add_perm("billing.view_charges", (staff | is_client_user) & in_scope)
# ERP sync: managers and admins keep the connections, read the sync log, retry and skip, and run
# reconciliations; nobody else sees any of it (a connection holds a client's ERP password).
rules.add_perm("erp.manage_erp", staff)
# Webhooks: managers and admins keep endpoints for any client (or all); a client user keeps their
# own client's (webhooks.selectors scopes every read, the services refuse another client).
rules.add_perm("webhooks.manage_webhooks", staff | is_client_user)
# Sales channels: managers and admins connect a client's store (its token is a secret).
rules.add_perm("saleschannels.manage_channels", staff)
# Billing disputes: a client user disputes a line of their own client's charges (checked on the
# line); managers and admins answer on billing's desk.
rules.add_perm("billing.dispute_charge", is_client_user & in_scope)
rules.add_perm("billing.answer_disputes", staff)
# The client portal (/portal/): client users only, each page scoped to their client by the
# selectors it calls. Staff have the desk; operators the floor. A client admin also keeps their
# own client's users and tokens.
rules.add_perm("portal.use_portal", is_client_user)
rules.add_perm("portal.manage_branding", staff)
rules.add_perm("portal.manage_client_users", is_client_user & is_client_admin)
rules.add_perm("portal.administer_client_user", is_client_admin & client_admin_may_administer)
# Labour: every floor user clocks their own shifts on the handheld; managers and admins read the
# measures, correct shifts (with a reason) and set the engineered standards.
rules.add_perm("labour.clock", floor_staff)
rules.add_perm("labour.manage_labour", staff)
# Inventory control: operators count the bins of their warehouses; managers plan counts, set
# thresholds, approve or reject a count (never their own) and read accuracy.
rules.add_perm("control.count", floor_staff & in_scope)
rules.add_perm("control.manage_counts", staff)
# Holds: managers place and release them (audited) and read recall reports.
rules.add_perm("control.manage_holds", staff)
# Moves and replenishment on the handheld: floor staff in their warehouses.
rules.add_perm("inventory.move_stock", floor_staff & in_scope)
rules.add_perm("control.replenish", floor_staff & in_scope)
# The work queue: managers see it, reassign, reprioritise and order the kinds of work.
rules.add_perm("control.manage_work", staff)
# Transfers between warehouses: managers create, ship and receive them.
rules.add_perm("control.manage_transfers", staff)


def require(user: User, perm: str, obj: Any = None) -> None:
    """Raises PermissionDenied (403) unless the user has the permission."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied(f"You may not {perm.split('.', 1)[1].replace('_', ' ')}.")


def require_in_scope(user: User, obj: Any) -> Any:
    """Returns the object, or raises Http404 when it lies outside the user's scope: an object a
    user may not see is one that does not exist for them (no probing by guessed ids)."""
    if not in_scope(user, obj):
        raise Http404("No such object.")
    return obj
