"""Login throttling hooks for django-axes: the client's address, and the page a locked-out login gets."""

import ipaddress

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def client_address(request: HttpRequest) -> str:
    """The address a login attempt came from, as django-axes counts it.

    Directly served, REMOTE_ADDR. Behind TRUSTED_PROXY_HOPS proxies (DJANGO_BEHIND_PROXY), the entry that
    many places from the right of X-Forwarded-For: the address the outermost of our proxies saw. Entries
    further left were written by the client and could be anything, so they never count. An IPv6 client
    is counted by its /64 (written as that network's first address), which one machine can roam across.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    hops = getattr(settings, "TRUSTED_PROXY_HOPS", 0)
    address = remote
    if hops > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        # Not an address (a proxy misconfigured?): fall back to the peer, which is always one.
        return remote
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """429 with Retry-After and a plain admin page saying why, what to do and for how long."""
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = max(1, round(cooloff.total_seconds() / 60))
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed logins",
        "username": username[:150],
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": minutes,
    }
    response = TemplateResponse(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(int(cooloff.total_seconds()))
    return response.render()
