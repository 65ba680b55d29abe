from rest_framework.routers import SimpleRouter

from fupin.reports.api.views import AuditRunViewSet, IndicatorViewSet

router = SimpleRouter(trailing_slash=True)
router.register("reports/indicators", IndicatorViewSet, basename="reports-indicators")
router.register("reports/audit-runs", AuditRunViewSet, basename="reports-audit-run")

urlpatterns = router.urls
