from django.urls import path, re_path

from pages import views

app_name = "comparisons"

urlpatterns = [
    path("", views.home, name="home"),
    path("compare/", views.compare_index, name="index"),
    path("compare/go/", views.compare_go, name="go"),
    path("compare/add/", views.compare_add, name="add"),
    # Three or more slugs joined by "-vs-" (more than four answers 404); before
    # the pair route, which would take any text.
    re_path(
        r"^compare/(?P<models>[^/]+-vs-[^/]+-vs-[^/]+)/$",
        views.compare_models,
        name="models",
    ),
    path("compare/<str:pair>/", views.pair, name="pair"),
    path("compare/<str:pair>/card.png", views.pair_card, name="pair-card"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap_index, name="sitemap-index"),
    path(
        "sitemap-<slug:section>.xml",
        views.sitemap_section,
        name="sitemap-section",
    ),
]
