"""Model instances for rows a set-based statement just wrote, built without Model.__init__.

A wave writes 10,000 reservations and 5,000 pick lists and hands them back as instances;
Model.__init__ (field by field, with its signals) cost more than the inserts. When nothing
listens to the model's init signals, an instance is its field values in __dict__ plus a saved
ModelState, which is what Model.from_db produces; otherwise this falls back to from_db."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import signals
from django.db.models.base import ModelState

M = TypeVar("M", bound=models.Model)


def saved_instance(model: type[M], alias: str, values: dict[str, Any]) -> M:
    """An instance of `model` as a query would return it, from every concrete field's attname
    in `values`."""
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        names = [f.attname for f in model._meta.concrete_fields]
        return model.from_db(alias, names, [values[n] for n in names])
    obj = model.__new__(model)
    obj.__dict__.update(values)
    state = ModelState()
    state.adding = False
    state.db = alias
    obj._state = state
    return obj
