from django.urls import path

from . import views

app_name = "schools"
urlpatterns = [
    path("audit/", views.audit_index, name="audit_index"),
    path("<int:pk>/audit/", views.audit, name="audit"),
    path("<int:pk>/audit/export/<str:format>/", views.audit_export, name="audit_export"),
]
