from django import forms
from django.conf import settings

from capmap.core.forms import PlainForm


class VerifyCredentialForm(PlainForm):
    """Paste a credential or upload its file: one of the two."""

    text = forms.CharField(
        label="Paste the credential",
        help_text="The credential's JSON, or a VC-JWT (text starting eyJ).",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    file = forms.FileField(
        label="Or upload the credential file",
        help_text="A .json or .jwt file, or a badge image (.svg) with the credential baked in.",
        required=False,
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        limit = settings.CAPMAP_MAX_CREDENTIAL_BYTES
        if upload is not None and upload.size > limit:
            self.add_error(
                "file", f"The file is larger than {limit // 1024} KB: a credential is smaller."
            )
        elif len((data.get("text") or "").encode()) > limit:
            self.add_error(
                "text", f"The text is longer than {limit // 1024} KB: a credential is shorter."
            )
        elif upload is None and not (data.get("text") or "").strip():
            self.add_error("text", "Paste the credential, or choose its file to upload.")
        return data

    def raw(self) -> bytes:
        upload = self.cleaned_data.get("file")
        if upload is not None:
            return upload.read(settings.CAPMAP_MAX_CREDENTIAL_BYTES + 1)
        return self.cleaned_data["text"].encode()


class AcceptCredentialForm(PlainForm):
    """The credential's file, or its verification link on this Capmap: one of the two."""

    file = forms.FileField(
        label="Credential file",
        help_text=(
            "The .json, .jwt or badge image (.svg) file the person received from their "
            "previous employer."
        ),
        required=False,
    )
    link = forms.URLField(
        label="Or its verification link",
        help_text="A link to a credential issued on this Capmap, as the person shared it.",
        max_length=500,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter the link as a web address, starting https://"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.CAPMAP_MAX_CREDENTIAL_BYTES
        if upload is not None and upload.size > limit:
            raise forms.ValidationError(
                f"The file is larger than {limit // 1024} KB: a credential is smaller."
            )
        return upload

    def clean(self):
        data = super().clean()
        if not self.errors and data.get("file") is None and not data.get("link"):
            self.add_error("file", "Choose the credential file to import, or enter its link.")
        return data


class RecogniseIssuerForm(PlainForm):
    issuer_id = forms.CharField(
        label="Issuer id",
        max_length=500,
        help_text="As the credential names it: a web address or a DID.",
        error_messages={"required": "Enter the issuer's id, as the credential names it."},
    )
    name = forms.CharField(
        label="Issuer name",
        max_length=200,
        error_messages={"required": "Enter the issuer's name."},
    )


class RevokeCredentialForm(PlainForm):
    reason = forms.CharField(
        label="Why is the credential being revoked?",
        help_text="The holder sees this reason. Do not include clinical or patient details.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the credential is being revoked."},
    )
