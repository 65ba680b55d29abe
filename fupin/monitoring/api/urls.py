from rest_framework.routers import SimpleRouter

from fupin.monitoring.api.views import AlertViewSet, ExitCaseViewSet, MonitoringObjectViewSet, VillageIncidenceViewSet

router = SimpleRouter(trailing_slash=True)
router.register("monitoring/alerts", AlertViewSet, basename="monitoring-alert")
router.register("monitoring/objects", MonitoringObjectViewSet, basename="monitoring-object")
router.register("monitoring/exit-cases", ExitCaseViewSet, basename="monitoring-exitcase")
router.register("monitoring/villages", VillageIncidenceViewSet, basename="monitoring-village")

urlpatterns = router.urls
