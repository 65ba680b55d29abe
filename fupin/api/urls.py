"""API v1: each app contributes its own `api/urls.py`; this module mounts them, with the
API root, token authentication, the regions endpoints (see fupin.api.regions), the OpenAPI
schema and its documentation pages. Route names live at the root namespace."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from fupin.api.auth import TokenView
from fupin.api.docs import RedocView, SwaggerView
from fupin.api.regions import RegionViewSet
from fupin.api.root import ApiRootView

APPS = ["regions", "registry", "identification", "assistance", "monitoring", "exchange", "reports"]

router = SimpleRouter(trailing_slash=True)
router.register("regions", RegionViewSet, basename="region")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", RedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("v1/", ApiRootView.as_view(), name="api-root"),
    path("v1/auth/token/", TokenView.as_view(), name="api-token"),
    path("v1/", include(router.urls)),
    *[path("v1/", include(f"fupin.{app}.api.urls")) for app in APPS],
]
