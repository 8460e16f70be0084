"""Prepares a freshly initialised Tryton database as the ERP the tests talk to: a company in USD,
a chart of accounts, fiscal years with periods and invoice sequences, a payment term, a goods
category with accounting, and the 3PL's service products. Run by devtools/tryton.py with the
Tryton virtualenv's interpreter (proteus and trytond live there, never in the product's):

    <tryton venv>/bin/python devtools/tryton_bootstrap.py <trytond.conf> <database> <facts.json>

It writes what it made (ids and codes) to facts.json for the tests' ERP-side helpers."""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal

from proteus import Model, config

# The service products a 3PL invoice's lines are booked on, by billing kind (billing.rules).
SERVICE_PRODUCTS = {
    "storage": "SVC-STORAGE",
    "receiving": "SVC-RECEIVING",
    "picking": "SVC-PICKING",
    "packing": "SVC-PACKING",
    "shipping": "SVC-SHIPPING",
    "vas": "SVC-VAS",
    "minimum": "SVC-MINIMUM",
}


def main(conf: str, database: str, facts_path: str) -> None:
    cfg = config.set_trytond(database, config_file=conf)
    from trytond.modules.account.tests.tools import (
        create_chart,
        create_fiscalyear,
        get_accounts,
    )
    from trytond.modules.account_invoice.tests.tools import (
        create_payment_term,
        set_fiscalyear_invoice_sequences,
    )
    from trytond.modules.company.tests.tools import (
        create_company,
        get_company,
    )

    party_model = Model.get("party.party")
    company_party = party_model(name="FluxVantage Test ERP")
    company_party.save()
    create_company(party=company_party, currency="USD")
    company = get_company()
    create_chart(company)
    accounts = get_accounts(company)
    # Fiscal years around today, so a golden copy made this year serves the whole year.
    year = dt.date.today().year
    for y in range(year - 1, year + 3):
        fiscalyear = set_fiscalyear_invoice_sequences(
            create_fiscalyear(company, (dt.date(y, 1, 1), dt.date(y, 12, 31)))
        )
        fiscalyear.save()
        fiscalyear.click("create_period")
    payment_term = create_payment_term()
    payment_term.save()

    category_model = Model.get("product.category")
    goods = category_model(name="Goods", accounting=True)
    goods.account_expense = accounts["expense"]
    goods.account_revenue = accounts["revenue"]
    goods.save()
    services = category_model(name="3PL services", accounting=True)
    services.account_expense = accounts["expense"]
    services.account_revenue = accounts["revenue"]
    services.save()

    uom_model = Model.get("product.uom")
    unit = uom_model.find([("name", "=", "Unit")])[0]
    template_model = Model.get("product.template")
    service_ids = {}
    for kind, code in SERVICE_PRODUCTS.items():
        template = template_model(
            name=f"3PL {kind}",
            type="service",
            default_uom=unit,
            salable=True,
            list_price=Decimal("0"),
            account_category=services,
            code=code,
        )
        template.save()
        service_ids[kind] = template.products[0].id

    journal_model = Model.get("account.journal")
    revenue_journal = journal_model.find([("type", "=", "revenue")])[0]
    location_model = Model.get("stock.location")
    warehouse = location_model.find([("type", "=", "warehouse")])[0]
    facts = {
        "database": database,
        "company": company.id,
        "currency": company.currency.id,
        "warehouse": warehouse.id,
        "warehouse_code": warehouse.code,
        "unit": unit.id,
        "goods_category": goods.id,
        "payment_term": payment_term.id,
        "account_receivable": accounts["receivable"].id,
        "account_revenue": accounts["revenue"].id,
        "revenue_journal": revenue_journal.id,
        "service_products": {
            kind: [code, service_ids[kind]] for kind, code in SERVICE_PRODUCTS.items()
        },
        "fiscal_years": [year - 1, year + 2],
    }
    with open(facts_path, "w") as out:
        json.dump(facts, out, indent=1)
    del cfg


if __name__ == "__main__":
    main(*sys.argv[1:4])
