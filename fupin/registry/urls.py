from django.urls import path

from fupin.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.household_list, name="household_list"),
    path("new/", views.household_create, name="household_create"),
    path("<int:pk>/", views.household_detail, name="household_detail"),
    path("<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("<int:pk>/close/", views.household_close, name="household_close"),
    path("<int:pk>/members/new/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_pk>/edit/", views.member_edit, name="member_edit"),
    path("<int:pk>/members/<int:member_pk>/end/", views.member_end, name="member_end"),
    path("<int:pk>/years/new/", views.year_create, name="year_create"),
    path("<int:pk>/years/<int:year>/edit/", views.year_edit, name="year_edit"),
]
