"""The API's limits (DRF throttling): anonymous requests per client address, token requests per user.

The address is the one the login lockout counts (`security.client_address`: behind trusted proxies
the entry they wrote, an IPv6 client by its /64), not DRF's own reading of X-Forwarded-For. Beyond
the rate the answer is 429 with Retry-After. Rates: API_ANON_RATE and API_USER_RATE (settings).
"""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from ottawa_tracker.security import client_address


class AddressRateThrottle(AnonRateThrottle):
    def get_ident(self, request) -> str:
        return client_address(request)


class TokenUserRateThrottle(UserRateThrottle):
    """Token requests, per user; anonymous ones are the address throttle's alone."""

    def get_cache_key(self, request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)
