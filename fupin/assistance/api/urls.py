from django.urls import path
from rest_framework.routers import SimpleRouter

from fupin.assistance.api.donors import DonorClaimViewSet, PublicWishViewSet
from fupin.assistance.api.organisation import (
    CadreViewSet,
    GroupMemberViewSet,
    LinkedUnitViewSet,
    MeasureItemViewSet,
    ProjectViewSet,
    WorkTeamViewSet,
)
from fupin.assistance.api.work import (
    CoverageView,
    MeasureViewSet,
    OverdueViewSet,
    PairingViewSet,
    PlanViewSet,
    VisitViewSet,
    WishViewSet,
    WorkloadViewSet,
)

router = SimpleRouter(trailing_slash=True)
router.register("linked-units", LinkedUnitViewSet, basename="assistance-linkedunit")
router.register("leading-group", GroupMemberViewSet, basename="assistance-groupmember")
router.register("work-teams", WorkTeamViewSet, basename="assistance-workteam")
router.register("cadres", CadreViewSet, basename="assistance-cadre")
router.register("measure-items", MeasureItemViewSet, basename="assistance-measureitem")
router.register("projects", ProjectViewSet, basename="assistance-project")
router.register("pairings", PairingViewSet, basename="assistance-pairing")
router.register("plans", PlanViewSet, basename="assistance-plan")
router.register("measures", MeasureViewSet, basename="assistance-measure")
router.register("visits", VisitViewSet, basename="assistance-visit")
router.register("overdue-visits", OverdueViewSet, basename="assistance-overdue")
router.register("cadre-workload", WorkloadViewSet, basename="assistance-workload")
router.register("wishes", WishViewSet, basename="assistance-wish")
router.register("public-wishes", PublicWishViewSet, basename="assistance-publicwish")
router.register("donor-claims", DonorClaimViewSet, basename="assistance-donorclaim")

urlpatterns = [
    path("pairing-coverage/", CoverageView.as_view(), name="assistance-coverage"),
    *router.urls,
]
