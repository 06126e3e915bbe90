from django.contrib import admin
from django.urls import include, path

from capmap.api.case import case_api
from capmap.api.endpoints import api
from capmap.core import urls as core_urls
from capmap.core import views as core_views
from capmap.credentials import views as credential_views

from . import home

# Home joins core's namespace, so `core:home` names it, but lives here: it reads every app.
core_patterns = [path("", home.home, name="home"), *core_urls.urlpatterns]

urlpatterns = [
    path("", include((core_patterns, core_urls.app_name))),
    path("accounts/", include("allauth.urls")),
    path("organisations/", include("capmap.organisations.urls")),
    path("people/", include("capmap.people.urls")),
    path("frameworks/", include("capmap.frameworks.urls")),
    path("portfolio/", include("capmap.portfolio.urls")),
    path("assessments/", include("capmap.assessments.urls")),
    path("impact/", include("capmap.impact.urls")),
    path("capability/", include("capmap.capability.urls")),
    path("development/", include("capmap.development.urls")),
    path("placements/", include("capmap.placements.urls")),
    path("reports/", include("capmap.reports.urls")),
    path("population/", include("capmap.population.urls")),
    path("privacy/", include("capmap.privacy.urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
    path("ims/case/v1p0/", case_api.urls),  # CASE 1.0 REST binding, public, read only
    path("credentials/", include("capmap.credentials.urls")),
    path(".well-known/did.json", credential_views.show_did_document, name="did_document"),
]

handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error
