from django.urls import path

from comparisons import views

app_name = "comparisons"

urlpatterns = [
    path("", views.home, name="home"),
    path("compare/", views.compare_index, name="index"),
    path("compare/<str:pair>/", views.pair, name="pair"),
]
