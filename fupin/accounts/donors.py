"""Donors are logins without a role: they see the wish wall and their own page, nothing else.

Whether a login is a donor is decided once per session (at login, or on the first request of
an older session) and kept in the session, so that staff pages cost no extra query. A staff
page answers a donor 404, as any page of a role one does not hold (its scoped lists would
only be empty, which confuses more than it protects); the 404 page's menu leads back to the
donor pages, and the home page sends a donor to the donor home.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from fupin.accounts.menu import is_donor

SESSION_KEY = "fupin_donor"
# The areas of staff work; a donor's pages inside `assistance` are listed below.
STAFF_NAMESPACES = frozenset({"registry", "identification", "assistance", "monitoring", "reports", "exchange", "core"})
DONOR_VIEWS = frozenset(
    {
        "assistance:public_wishes",
        "assistance:donor_claim",
        "assistance:donor_register",
        "assistance:donor_login",
        "assistance:donor_home",
        "assistance:donor_deliver",
        "assistance:donor_release",
        "assistance:claim_photo",
    }
)


def remember_donor(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """user_logged_in receiver: note in the session whether this login is a donor's."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = _donor_without_role(user)


def _donor_without_role(user: Any) -> bool:
    if user.is_superuser or not is_donor(user):
        return False
    from fupin.accounts.models import RoleAssignment

    return not RoleAssignment.objects.active().filter(user=user).exists()


class DonorBoundaryMiddleware:
    """Answers 404 to a donor who opens a staff page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> Any:
        match = request.resolver_match
        if match is None or match.namespace not in STAFF_NAMESPACES or match.view_name in DONOR_VIEWS:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        flag = request.session.get(SESSION_KEY)
        if flag is None:
            flag = request.session[SESSION_KEY] = _donor_without_role(user)
        if flag:
            raise Http404
        return None
