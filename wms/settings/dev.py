"""Development: make run. Console email; Django's debug pages only when asked for (DEBUG=1 make
run), so a newcomer sees the app's own 404, 403 and 500 pages, as in production."""

from .base import *  # noqa: F403
from .base import MIDDLEWARE, env_bool

DEBUG = env_bool("DEBUG", False)

# runserver serves static files only under DEBUG: WhiteNoise serves them straight from static/
# (the finders, re-read on each request) whether debug pages are on or off.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
_after_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE = [
    *MIDDLEWARE[:_after_security],
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[_after_security:],
]

# `make run`: a webhook receiver on this machine may be an endpoint.
WEBHOOK_ALLOW_LOOPBACK = True
