from django.urls import path

from fupin.reports.views import audit, dashboard, ledgers

app_name = "reports"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("data/", dashboard.dashboard_data, name="dashboard_data"),
    path("ledgers/", ledgers.ledgers, name="ledgers"),
    path("households/<int:pk>/ledger/", ledgers.household_ledger, name="household_ledger"),
    path("households/<int:pk>/handbook/", ledgers.household_handbook, name="household_handbook"),
    path("handbook/", ledgers.village_handbook, name="village_handbook"),
    path("audit/", audit.audit, name="audit"),
    path("audit/run/", audit.audit_start, name="audit_start"),
    path("audit/<slug:rule>/", audit.audit_rule, name="audit_rule"),
]
