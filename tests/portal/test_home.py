"""A client user lands on the portal's home, which shows their own figures only, each a link."""

from __future__ import annotations

from tests.helpers import link_targets, text_by_id


def test_a_client_user_lands_on_the_portal_after_signing_in(http_for, client_user):
    from tests.conftest import PASSWORD

    http = http_for()
    response = http.post(
        "/accounts/login/", {"username": client_user.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/portal/"
    assert response.status_code == 200


def test_the_home_counts_only_the_clients_own_stock_orders_asns_and_charges(
    world, http_for, client_user
):
    html = http_for(client_user).get("/portal/").content.decode()
    # 38 mugs (40 received, 2 written off) and 12 balms; the other client's 50 are not counted.
    assert "50 units on hand in 2 SKUs" in " ".join(text_by_id(html, "stock").split())
    assert "1 open" in text_by_id(html, "open-orders")
    assert "1 late" in text_by_id(html, "shipping")
    assert "0 shipped today" in text_by_id(html, "shipping")
    assert "1 ASN expected this week" in " ".join(text_by_id(html, "inbound").split())
    assert "25.00 accrued" in text_by_id(html, "charges")


def test_each_figure_links_to_its_list(world, http_for, client_user):
    html = http_for(client_user).get("/portal/").content.decode()
    targets = set(link_targets(html).values())
    for url in (
        "/portal/inventory/?stock=in_stock",
        "/portal/orders/?view=open",
        "/portal/orders/?view=late",
        "/portal/orders/?view=shipped_today",
        "/portal/inbound/?week=this",
        "/portal/billing/charges/",
    ):
        assert url in targets, url
    http = http_for(client_user)
    assert "SO-1" in http.get("/portal/orders/?view=late").content.decode()
    assert "XSO-1" not in http.get("/portal/orders/?view=late").content.decode()
    assert "ASN-1" in http.get("/portal/inbound/?week=this").content.decode()


def test_the_menu_is_the_portals_for_client_users_and_the_desks_for_others(
    http_for, client_user, admin_user
):
    client_menu = link_targets(http_for(client_user).get("/portal/").content)
    assert {"Home", "Inventory", "Orders", "Inbound", "Billing", "Reports"} <= set(client_menu)
    assert client_menu["Inventory"] == "/portal/inventory/"
    admin_menu = set(link_targets(http_for(admin_user).get("/dashboard/").content).values())
    assert not {url for url in admin_menu if url.startswith("/portal/")}
