"""The EasyPost webhook endpoint, /webhooks/easypost/ on each tenant's site. Only a request that
carries EasyPost's HMAC signature (X-Hmac-Signature) keyed with THIS tenant's secret (set by a
manager on /shipping/webhook/, shipping.CarrierSettings) is read: a body signed for another
tenant is 401 here, and so is everything when the tenant has set no secret; nothing is written.
Repeats of an event, and events for tracking codes of no shipment here, are answered 200 and
ignored."""

from __future__ import annotations

import json
import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from easypost.errors import SignatureVerificationError
from easypost.util import validate_webhook

from shipping.selectors import webhook_secrets
from shipping.services.tracking import record_tracking_event

logger = logging.getLogger(__name__)


def _refused(message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": "unauthenticated", "message": message}}, status=401)


@csrf_exempt  # EasyPost signs its requests; there is no browser session to protect here.
@require_POST
def easypost_webhook(request: HttpRequest) -> JsonResponse:
    accepted = webhook_secrets()
    if not accepted:
        logger.warning("EasyPost webhook refused: this tenant has set no webhook secret")
        return _refused("Webhooks are not configured on this site.")
    event = None
    for secret in accepted:
        try:
            event = validate_webhook(request.body, dict(request.headers), secret)
        except SignatureVerificationError:
            continue
        except (ValueError, json.JSONDecodeError):
            return JsonResponse(
                {"error": {"code": "invalid", "message": "The body is not JSON."}}, status=400
            )
        break
    if event is None:
        return _refused("Missing or invalid X-Hmac-Signature.")
    if not isinstance(event, dict):
        return JsonResponse(
            {"error": {"code": "invalid", "message": "The body is not an event."}}, status=400
        )
    outcome = record_tracking_event(event)
    return JsonResponse({"recorded": outcome.recorded, "status": outcome.status})
