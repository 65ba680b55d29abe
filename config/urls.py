from django.contrib import admin
from django.urls import include, path

from fupin.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("fupin.accounts.urls")),
    path("households/", include("fupin.registry.urls")),
    path("jobs/", include("fupin.core.urls")),
    path("identification/", include("fupin.identification.urls")),
    path("assistance/", include("fupin.assistance.urls")),
    path("monitoring/", include("fupin.monitoring.urls")),
    path("exchange/", include("fupin.exchange.urls")),
    path("reports/", include("fupin.reports.urls")),
    path("api/", include("fupin.api.urls")),
    path("admin/", admin.site.urls),
    path("healthz", core_views.healthz, name="healthz"),
]
