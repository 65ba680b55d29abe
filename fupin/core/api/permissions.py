"""API permissions. Authentication is required everywhere; what a user may read or write is
decided by the scoped queryset (see mixins.ScopedViewSetMixin), not by a permission class,
so an object outside the user's scope is simply absent (404)."""

from rest_framework.permissions import BasePermission


class IsAuthenticatedActive(BasePermission):
    """A logged-in (session or token), active user."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)
