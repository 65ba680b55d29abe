from django.urls import path

from fupin.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("screening/", views.screening_start, name="screening_start"),
    path("report/", views.report, name="report"),
    path("report/done/", views.report_done, name="report_done"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/new/", views.alert_create, name="alert_create"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/match/", views.alert_match_view, name="alert_match"),
    path("alerts/<int:pk>/step/", views.alert_step_view, name="alert_step"),
    path("alerts/<int:pk>/notice/", views.alert_notice, name="alert_notice"),
    path("objects/", views.object_list, name="object_list"),
    path("objects/<int:pk>/", views.object_detail, name="object_detail"),
    path("objects/<int:pk>/eliminate/", views.object_propose, name="object_propose"),
    path("objects/<int:pk>/decide/", views.object_decide, name="object_decide"),
    path("objects/<int:pk>/notice/", views.object_notice, name="object_notice"),
    path("exit/", views.exit_list, name="exit_list"),
    path("exit/stable/", views.stable_list, name="stable_list"),
    path("exit/household/<int:pk>/", views.household_exit, name="household_exit"),
    path("exit/<int:pk>/", views.exit_detail, name="exit_detail"),
    path("exit/<int:pk>/step/", views.exit_step_view, name="exit_step"),
    path("exit/<int:pk>/notice/", views.exit_notice, name="exit_notice"),
    path("villages/", views.village_list, name="village_list"),
    path("villages/<int:pk>/", views.village_detail, name="village_detail"),
    path("villages/<int:pk>/population/", views.village_population, name="village_population"),
    path("lists/", views.list_list, name="list_list"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("policy/", views.policy_list, name="policy_list"),
]
