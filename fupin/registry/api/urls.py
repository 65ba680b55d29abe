from rest_framework.routers import SimpleRouter

from fupin.registry.api.views import HouseholdViewSet, MemberViewSet

router = SimpleRouter(trailing_slash=True)
router.register("households", HouseholdViewSet, basename="household")
router.register("members", MemberViewSet, basename="member")

urlpatterns = router.urls
