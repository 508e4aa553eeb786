"""Login throttling on top of django-axes (its database handler, so every worker sees every failure).

Two limits, both over the cool-off window:

- per account: `LOGIN_FAILURE_LIMIT` wrong passwords for one username, from any address;
- per address: `LOGIN_FAILURE_LIMIT_PER_ADDRESS` wrong passwords from one client address, for any
  usernames. It is higher because a commune office, or a province's whole network, often reaches
  the portal through one NAT address that many officials share.

Axes compares one count against one limit, so the handler folds the address count into the account
count: once the address is over its own limit, the request counts as locked.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render

LOCKOUT_PARAMETERS = ["username", "ip_address"]  # the order get_failures relies on


class LoginThrottleHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None):
        by_account, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_address >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS:
            return max(by_account, settings.AXES_FAILURE_LIMIT)
        return by_account


def username_for_throttling(request, credentials=None):
    """"Admin", " admin" and "admin" are one account to count failures against."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "POST", {}).get("username")
    if not username:
        return None
    return username.strip().casefold()


def lockout_response(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/lockout.html", {"minutes": minutes}, status=429)
