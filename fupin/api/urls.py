"""API v1: each app contributes its own `api/urls.py`; this module only mounts them."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

APPS = ["regions", "registry", "identification", "assistance", "monitoring", "exchange", "reports"]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    *[path("v1/", include(f"fupin.{app}.api.urls")) for app in APPS],
]
