from django.urls import path

from fupin.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("upload/", views.import_upload, name="import_upload"),
    path("batches/<uuid:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<uuid:pk>/confirm/", views.batch_confirm_view, name="batch_confirm"),
    path("batches/<uuid:pk>/report/", views.batch_report, name="batch_report"),
    path("export/households/", views.household_export, name="household_export"),
]
