"""Pages of the assistance area, mounted at /assistance/."""

from django.urls import path

from fupin.assistance import views

app_name = "assistance"
urlpatterns = [
    path("me/", views.me, name="me"),
    # Organisation
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("group/", views.group_list, name="group_list"),
    path("group/new/", views.group_create, name="group_create"),
    path("group/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("cadres/new/", views.cadre_create_view, name="cadre_create"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre_detail"),
    path("cadres/<int:pk>/edit/", views.cadre_edit, name="cadre_edit"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create_view, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/<slug:kind>/new/", views.policy_add_view, name="policy_add"),
    # Pairing
    path("coverage/", views.coverage, name="coverage"),
    path("workload/", views.workload, name="workload"),
    path("households/<int:pk>/pairing/", views.pairing_assign_view, name="pairing_assign"),
    path("pairings/<int:pk>/end/", views.pairing_end_view, name="pairing_end"),
    # Plans and measures
    path("households/<int:pk>/plan/<int:year>/", views.household_plan, name="household_plan"),
    path("households/<int:pk>/plan/<int:year>/edit/", views.plan_edit, name="plan_edit"),
    path("households/<int:pk>/plan/<int:year>/measures/new/", views.measure_create_view, name="measure_create"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    # Visits
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/overdue/", views.overdue, name="overdue"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/photos/<int:pk>/", views.visit_photo, name="visit_photo"),
    # Wishes (staff)
    path("wishes/", views.wish_list, name="wish_list"),
    path("wishes/totals/", views.wish_totals, name="wish_totals"),
    path("households/<int:pk>/wishes/new/", views.wish_create, name="wish_create"),
    path("wishes/<int:pk>/", views.wish_detail, name="wish_detail"),
    path("wishes/<int:pk>/confirm/", views.wish_confirm_view, name="wish_confirm"),
    path("wishes/<int:pk>/cancel/", views.wish_cancel_view, name="wish_cancel"),
    path("wishes/claims/<int:pk>/photo/", views.claim_photo, name="claim_photo"),
    # Public wish board and donors
    path("wishes/public/", views.public_wishes, name="public_wishes"),
    path("wishes/public/<int:pk>/claim/", views.donor_claim, name="donor_claim"),
    path("donors/register/", views.donor_register_view, name="donor_register"),
    path("donors/login/", views.donor_login, name="donor_login"),
    path("donors/me/", views.donor_home, name="donor_home"),
    path("donors/claims/<int:pk>/deliver/", views.donor_deliver, name="donor_deliver"),
    path("donors/claims/<int:pk>/release/", views.donor_release, name="donor_release"),
]
