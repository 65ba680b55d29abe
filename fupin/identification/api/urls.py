from rest_framework.routers import SimpleRouter

from fupin.identification.api.views import (
    ApplicationViewSet,
    AssessmentViewSet,
    ComparisonViewSet,
    FindingViewSet,
    PolicyVersionViewSet,
    RecheckViewSet,
)

router = SimpleRouter(trailing_slash=True)
router.register("policy-versions", PolicyVersionViewSet, basename="identification-policy")
router.register("assessments", AssessmentViewSet, basename="identification-assessment")
router.register("applications", ApplicationViewSet, basename="identification-application")
router.register("findings", FindingViewSet, basename="identification-finding")
router.register("comparisons", ComparisonViewSet, basename="identification-comparison")
router.register("rechecks", RecheckViewSet, basename="identification-recheck")

urlpatterns = router.urls
