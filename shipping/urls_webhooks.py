"""Carrier webhooks, under /webhooks/ of each tenant's site."""

from django.urls import path

from shipping import webhooks

urlpatterns = [path("easypost/", webhooks.easypost_webhook, name="easypost_webhook")]
