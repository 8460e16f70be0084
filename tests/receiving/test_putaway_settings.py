"""Per-warehouse putaway settings: the selector turns them into the engine's policy (defaults when
none are saved), the putaway-task services direct by them, saving validates the strategies, and
managers edit them on /receiving/putaway/settings/<warehouse>/ (operators 403)."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.models import Event
from inventory.services import ledger
from receiving import selectors
from receiving.exceptions import NotPermitted
from receiving.models import PutawaySettings
from receiving.putaway import CONSOLIDATE, NEAREST_EMPTY, STRATEGIES, PutawayPolicy
from receiving.services import putaway_tasks
from receiving.services.putaway_settings import SettingsRefused, save_putaway_settings


def save(user: Any, warehouse: Any, strategies: list[str], **rules: bool) -> PutawaySettings:
    return save_putaway_settings(
        user=user,
        warehouse=warehouse,
        strategies=strategies,
        one_client_per_location=rules.get("one_client", True),
        one_product_per_location=rules.get("one_product", False),
        one_lot_per_location=rules.get("one_lot", False),
    )


def test_no_settings_means_the_engines_defaults(wh: Any) -> None:
    assert selectors.putaway_policy_for(wh.pk) == PutawayPolicy()


def test_saved_settings_are_the_policy(wh: Any, manager: Any) -> None:
    save(manager, wh, [NEAREST_EMPTY, CONSOLIDATE], one_client=False, one_lot=True)

    policy = selectors.putaway_policy_for(wh.pk)

    assert policy.strategies == (NEAREST_EMPTY, CONSOLIDATE)
    assert (
        policy.one_client_per_location,
        policy.one_product_per_location,
        policy.one_lot_per_location,
    ) == (False, False, True)
    assert Event.objects.filter(type="putaway.settings_changed", warehouse_id=wh.pk).count() == 1


def test_a_stored_name_the_engine_no_longer_knows_is_skipped(wh: Any) -> None:
    PutawaySettings.objects.create(warehouse=wh, strategies=["retired", CONSOLIDATE])
    assert selectors.putaway_policy_for(wh.pk).strategies == (CONSOLIDATE,)
    PutawaySettings.objects.filter(warehouse=wh).update(strategies=["retired"])
    assert selectors.putaway_policy_for(wh.pk).strategies == STRATEGIES


@pytest.mark.parametrize("strategies", [[], ["nearest"], [CONSOLIDATE, CONSOLIDATE]])
def test_bad_strategies_are_refused(wh: Any, manager: Any, strategies: list[str]) -> None:
    with pytest.raises(SettingsRefused):
        save(manager, wh, strategies)
    assert not PutawaySettings.objects.exists()


def test_only_managers_save(wh: Any, operator: Any) -> None:
    with pytest.raises(NotPermitted):
        save(operator, wh, [CONSOLIDATE])


def test_tasks_are_directed_by_the_warehouses_settings(
    wh: Any, dock: Any, bin_a: Any, bin_b: Any, widget: Any, manager: Any, received_pallet: Any
) -> None:
    # Widgets already at A-01-02: the default order consolidates there...
    ledger.receive(user=manager, product=widget, quantity=1, location=bin_b)
    task = putaway_tasks.create_task_for_lpn(user=manager, lpn=received_pallet)
    assert (task.proposed_location, task.strategy) == (bin_b, CONSOLIDATE)

    # ...with nearest-empty first, the re-proposal on start sends the pallet to A-01-01.
    save(manager, wh, [NEAREST_EMPTY, CONSOLIDATE])
    started = putaway_tasks.start_task(user=manager, task=task)

    assert (started.proposed_location, started.strategy) == (bin_a, NEAREST_EMPTY)


# --- The page ---------------------------------------------------------------------------------


def page(warehouse: Any) -> str:
    return f"/receiving/putaway/settings/{warehouse.pk}/"


def test_manager_sees_the_defaults_and_saves(http_for: Any, manager: Any, wh: Any) -> None:
    http = http_for(manager)
    shown = http.get(page(wh))
    assert shown.status_code == 200
    assert b"Not saved yet" in shown.content
    assert page(wh).encode() in http.get("/receiving/putaway/").content  # linked from the queue

    response = http.post(
        page(wh),
        {
            "strategy_1": NEAREST_EMPTY,
            "strategy_2": "",
            "strategy_3": "",
            "one_lot_per_location": "on",
        },
    )

    assert response.status_code == 302
    saved = PutawaySettings.objects.get(warehouse=wh)
    assert (saved.strategies, saved.one_client_per_location, saved.one_lot_per_location) == (
        [NEAREST_EMPTY],
        False,
        True,
    )
    assert saved.updated_by == manager
    assert b"Last saved" in http.get(page(wh)).content


def test_the_page_refuses_a_strategy_chosen_twice(http_for: Any, manager: Any, wh: Any) -> None:
    response = http_for(manager).post(
        page(wh), {"strategy_1": CONSOLIDATE, "strategy_2": CONSOLIDATE, "strategy_3": ""}
    )
    assert response.status_code == 200
    assert "Choose each strategy once at most." in response.content.decode()
    assert not PutawaySettings.objects.exists()


def test_operators_may_not_open_the_page(http_for: Any, operator: Any, wh: Any) -> None:
    http = http_for(operator)
    assert http.get(page(wh)).status_code == 403
    assert http.post(page(wh), {"strategy_1": CONSOLIDATE}).status_code == 403
    assert not PutawaySettings.objects.exists()


def test_an_unknown_warehouse_is_404(http_for: Any, manager: Any, wh: Any) -> None:
    assert http_for(manager).get("/receiving/putaway/settings/999999/").status_code == 404
