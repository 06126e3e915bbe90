"""Forms for the organisation pages; services keep the rules, forms parse and explain."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from capmap.core.filetypes import XLSX, ZIP, sniff
from capmap.core.forms import PlainForm

from .models import ALLOWED_PARENT_KINDS, Organisation, OrganisationKind, Role
from .tree_rules import parent_problem
from .validators import normalise_ods_code, validate_ods_code


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError against the form's fields (or the whole form)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class OrganisationSearchForm(PlainForm):
    q = forms.CharField(
        label="Search by name or ODS code", required=False, max_length=100, strip=True
    )
    kind = forms.ChoiceField(
        label="Kind of organisation",
        required=False,
        choices=[("", "All kinds"), *OrganisationKind.choices],
    )


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        code = f" ({obj.ods_code})" if obj.ods_code else ""
        return f"{obj.name}{code}, {obj.get_kind_display().lower()}"


class OrganisationForm(PlainForm):
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the organisation's name."},
    )
    kind = forms.ChoiceField(
        label="Kind of organisation",
        choices=OrganisationKind.choices,
        error_messages={"required": "Choose the kind of organisation."},
    )
    ods_code = forms.CharField(
        label="ODS code (optional)",
        required=False,
        max_length=10,
        help_text="The Organisation Data Service code, for example RF4, 7A1 or F86001.",
        validators=[],
    )
    parent = OrganisationChoiceField(
        label="Part of",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Choose an organisation",
        help_text="An ICS holds trusts, PCNs and federations; a PCN or federation holds "
        "practices; sites sit under a trust, PCN or practice.",
    )
    hard_to_recruit = forms.BooleanField(
        label="This organisation is in an area that finds it hard to recruit", required=False
    )

    def __init__(
        self,
        *args,
        parents: list[Organisation],
        editing: Organisation | None = None,
        top_level_allowed: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.top_level_allowed = top_level_allowed
        ids = [p.pk for p in parents]
        # The queryset is the caller's scoped choice list, by id.
        self.fields["parent"].queryset = Organisation.objects.filter(pk__in=ids).order_by("path")
        empty = "None: this is a top-level organisation" if top_level_allowed else "Choose one"
        self.fields["parent"].choices = [("", empty)] + [
            (p.pk, self.fields["parent"].label_from_instance(p)) for p in parents
        ]
        if not top_level_allowed:  # only system administrators add integrated care systems
            self.fields["kind"].choices = [
                c for c in OrganisationKind.choices if None not in ALLOWED_PARENT_KINDS[c[0]]
            ]
        if editing is not None:
            del self.fields["kind"]  # the kind of an organisation does not change
            if editing.parent_id is None:
                del self.fields["parent"]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("Enter the organisation's name.")
        return name

    def clean_ods_code(self) -> str:
        code = normalise_ods_code(self.cleaned_data["ods_code"])
        validate_ods_code(code)
        return code

    def clean(self) -> dict:
        data = super().clean()
        kind = self.editing.kind if self.editing else data.get("kind")
        if "parent" in self.fields and kind and "parent" not in self.errors:
            message = parent_problem(kind, data.get("parent"))
            if message:
                self.add_error("parent", message)
        return data


class AddMemberForm(PlainForm):
    email = forms.EmailField(
        label="E-mail address",
        help_text="Their work e-mail address, usually an nhs.net address. If they have no "
        "account yet, one is made for them.",
        error_messages={
            "required": "Enter their e-mail address.",
            "invalid": "Enter an e-mail address in the correct format, like name@nhs.net.",
        },
    )
    role = forms.ChoiceField(
        label="Role", widget=forms.RadioSelect, error_messages={"required": "Choose a role."}
    )

    def __init__(self, *args, roles: list[str], organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]
        self.fields["role"].help_text = role_hint(organisation)


class ChangeRoleForm(PlainForm):
    role = forms.ChoiceField(
        label="Role", widget=forms.RadioSelect, error_messages={"required": "Choose a role."}
    )

    def __init__(self, *args, roles: list[str], organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]
        self.fields["role"].help_text = role_hint(organisation)


def role_hint(organisation: Organisation) -> str:
    return (
        f"The role applies to {organisation.name} and every organisation inside it. "
        "Only the roles you may give are shown."
    )


class AuditFilterForm(PlainForm):
    ACTIONS = [("", "Any action"), ("0", "Created"), ("1", "Updated"), ("2", "Deleted")]

    object_type = forms.ChoiceField(label="What changed", required=False)
    action = forms.ChoiceField(label="Action", required=False, choices=ACTIONS)
    actor = forms.CharField(label="Changed by (e-mail)", required=False, max_length=254)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, object_types: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", "Anything"), *object_types]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date.")
        return data


# --- Importing the NHS ODS files ------------------------------------------------------------

# Each upload field: the name its file takes in the import (and in its messages), and what
# its content must be: "csv" (text), "xlsx" (an Excel workbook), or "csv-or-zip".
ODS_UPLOADS = {
    "epraccur": ("epraccur.csv", "csv"),
    "etr": ("etr.csv", "csv"),
    "ets": ("ets.csv", "csv"),
    "epcn": ("ePCN.xlsx", "xlsx"),
    "practice_map": ("gp-reg-pat-prac-map.csv", "csv-or-zip"),
}


class OdsImportForm(PlainForm):
    epraccur = forms.FileField(
        label="GP practices (epraccur.csv)",
        required=False,
        help_text="NHS Digital's GP practices file, as published: no header row.",
    )
    etr = forms.FileField(
        label="NHS trusts (etr.csv)", required=False, help_text="As published: no header row."
    )
    ets = forms.FileField(
        label="NHS trust sites (ets.csv)",
        required=False,
        help_text="As published: no header row.",
    )
    epcn = forms.FileField(
        label="Primary care networks (ePCN.xlsx)",
        required=False,
        help_text="The workbook with the sheets PCN Details and PCN Core Partner Details.",
    )
    practice_map = forms.FileField(
        label="Practice to PCN, sub-ICB and ICB map (gp-reg-pat-prac-map.csv or its ZIP)",
        required=False,
        help_text="From “Patients registered at a GP practice”. It places practices in PCNs "
        "and PCNs in ICBs: without it only organisations already in Capmap are updated.",
    )

    def clean(self) -> dict:
        data = super().clean()
        limit = settings.CAPMAP_MAX_IMPORT_BYTES
        self.files_to_import: list[tuple[str, bytes]] = []
        for field, (name, kind) in ODS_UPLOADS.items():
            upload = data.get(field)
            if not upload:
                continue
            if upload.size > limit:
                self.add_error(field, f"The file must be smaller than {filesizeformat(limit)}.")
                continue
            content = upload.read()
            found = sniff(content, upload.name)
            if kind == "xlsx" and found != XLSX:
                self.add_error(field, "Choose the Excel workbook ePCN.xlsx, as published.")
            elif kind == "csv" and found is not None:
                self.add_error(field, f"Choose the CSV file {name}, as published.")
            elif kind == "csv-or-zip" and found not in (None, ZIP):
                self.add_error(field, "Choose the mapping file as a CSV file or its ZIP.")
            else:
                if found == ZIP:
                    name = name.replace(".csv", ".zip")
                self.files_to_import.append((name, content))
        if not self.errors and not self.files_to_import:
            raise ValidationError("Choose at least one ODS file to upload.")
        return data
