"""The webhook pages' forms: an endpoint (URL, topics, client, enabled) and a replay's start
time. Input only: the services check the URL's address, the topics and the client."""

from __future__ import annotations

from typing import Any

from django import forms

from inventory.models import Client
from inventory.selectors import clients_for_user
from webhooks.models import Endpoint
from webhooks.services.endpoints import EndpointSpec
from webhooks.topics import TOPICS
from wms.accounts.models import User
from wms.validation import TextField


class EndpointForm(forms.Form):
    url = TextField(max_length=500, label="URL", help_text="https://… on the public internet.")
    topics = forms.MultipleChoiceField(
        choices=[(name, name) for name in TOPICS], widget=forms.CheckboxSelectMultiple
    )
    client: forms.ModelChoiceField[Client] = forms.ModelChoiceField(
        required=False,
        queryset=Client.objects.none(),
        empty_label="Every client",
        help_text="Whose events the endpoint receives.",
    )
    description = TextField(required=False, max_length=200)
    is_enabled = forms.BooleanField(required=False, initial=True, label="Enabled")

    def __init__(self, data: Any, *, user: User, endpoint: Endpoint | None = None) -> None:
        initial = None
        if endpoint is not None:
            initial = {
                "url": endpoint.url,
                "topics": endpoint.topics,
                "client": endpoint.client,
                "description": endpoint.description,
                "is_enabled": endpoint.is_enabled,
            }
        super().__init__(data, initial=initial)
        self.fields["client"].queryset = clients_for_user(user).order_by("code")  # type: ignore[attr-defined]

    @staticmethod
    def spec(data: dict[str, Any]) -> EndpointSpec:
        return EndpointSpec(
            url=data["url"],
            topics=list(data["topics"]),
            client=data.get("client"),
            description=data.get("description") or "",
            is_enabled=bool(data.get("is_enabled")),
        )


class ReplayForm(forms.Form):
    since = forms.DateTimeField(
        label="Since", help_text="Every message recorded since then is sent again (UTC)."
    )
