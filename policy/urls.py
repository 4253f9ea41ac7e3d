from django.urls import path

from . import views

app_name = "policy"
urlpatterns = [
    path("", views.index, name="index"),
    path("history/", views.history_index, name="history"),
]
for kind in ("school", "region"):
    urlpatterns += [
        path(f"{kind}/<int:pk>/", views.settings_page(kind), name=f"{kind}_settings"),
        path(f"{kind}/<int:pk>/history/", views.history_page(kind), name=f"{kind}_history"),
        path(f"{kind}/<int:pk>/<str:key>/", views.edit_page(kind), name=f"{kind}_edit"),
        path(f"{kind}/<int:pk>/<str:key>/reset/", views.reset_page(kind), name=f"{kind}_reset"),
    ]
