from django.urls import path

from fupin.identification.views import applications, households, imports, index, policy, review

app_name = "identification"
urlpatterns = [
    path("", index.index, name="index"),
    path("policies/", policy.policy_list, name="policy_list"),
    path("policies/new/", policy.policy_create, name="policy_create"),
    path("households/<int:pk>/", households.household, name="household"),
    path("households/<int:pk>/assess/", households.household_assess, name="household_assess"),
    path("households/<int:pk>/needs/", households.household_needs, name="household_needs"),
    path("households/<int:pk>/apply/", households.application_create, name="application_create"),
    path("applications/", applications.application_list_view, name="application_list"),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path("applications/<int:pk>/step/", applications.application_step, name="application_step"),
    path("applications/<int:pk>/objections/", applications.objection_add, name="objection_add"),
    path("applications/<int:pk>/withdraw/", applications.application_withdraw, name="application_withdraw"),
    path("objections/<int:pk>/answer/", applications.objection_answer, name="objection_answer"),
    path("notices/<int:region_pk>/", applications.notice, name="notice"),
    path("findings/", review.finding_list_view, name="finding_list"),
    path("findings/export/", review.finding_export, name="finding_export"),
    path("findings/<int:pk>/", review.finding_detail, name="finding_detail"),
    path("comparisons/", review.comparison_list_view, name="comparison_list"),
    path("comparisons/new/", review.comparison_create, name="comparison_create"),
    path("comparisons/<int:pk>/", review.comparison_detail, name="comparison_detail"),
    path("imports/", imports.import_list, name="import_list"),
    path("imports/<uuid:batch>/", imports.import_applications, name="import_applications"),
    path("rechecks/", review.recheck_list_view, name="recheck_list"),
    path("rechecks/<int:pk>/", review.recheck_detail, name="recheck_detail"),
]
