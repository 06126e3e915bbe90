from django.urls import path

from . import views

app_name = "credentials"

urlpatterns = [
    path("", views.list_my_credentials, name="list_my_credentials"),
    path("issue/", views.issue_my_credentials, name="issue_my_credentials"),
    path("download/all.zip", views.download_all_credentials, name="download_all_credentials"),
    path("download/<uuid:public_id>.json", views.download_credential, name="download_credential"),
    path("download/<uuid:public_id>.jwt", views.download_credential_jwt, name="download_jwt"),
    path("download/<uuid:public_id>.svg", views.download_credential_svg, name="download_svg"),
    path("verify/", views.verify_credential, name="verify_credential"),
    path("c/<uuid:public_id>", views.show_shared_credential, name="show_shared_credential"),
    path("issuers/<int:organisation_id>", views.show_issuer, name="show_issuer"),
    path(
        "status/<int:organisation_id>/<int:number>",
        views.show_status_list,
        name="show_status_list",
    ),
    path("issued/<uuid:public_id>/revoke/", views.revoke_credential, name="revoke_credential"),
    path("people/<int:person_id>/accepted/", views.accept_credential, name="accept_credential"),
    path(
        "people/<int:person_id>/accepted/<int:accepted_id>/check/",
        views.check_accepted_credential,
        name="check_accepted_credential",
    ),
    path(
        "people/<int:person_id>/accepted/<int:accepted_id>/remove/",
        views.remove_accepted_credential,
        name="remove_accepted_credential",
    ),
    path(
        "organisations/<int:organisation_id>/recognised-issuers/",
        views.list_recognised_issuers,
        name="list_recognised_issuers",
    ),
    path(
        "organisations/<int:organisation_id>/recognised-issuers/<int:issuer_id>/remove/",
        views.stop_recognising_issuer,
        name="stop_recognising_issuer",
    ),
]
