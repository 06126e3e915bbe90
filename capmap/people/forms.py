"""Forms for staff records, the people list filters, job roles and the staff import."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.forms.models import ModelChoiceIterator
from django.template.defaultfilters import filesizeformat

from capmap.core.forms import PlainForm
from capmap.organisations.models import Organisation

from . import selectors
from .models import AfcBand, Person, RegistrationBody, StaffGroup
from .validators import validate_fte
from .values import PersonDetails


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def organisation_label(name: str, ods_code: str | None) -> str:
    return f"{name} ({ods_code})" if ods_code else name


class _OptionsFromColumns(ModelChoiceIterator):
    """A field's options read as a few columns, not a model each: the people page offers
    an ICS's 440 organisations and every job role on every page. The field names the
    columns (`option_columns`: the value first) and words the label (`option_label`); a
    chosen option is still read through the queryset."""

    def __iter__(self):
        field = self.field
        if field.empty_label is not None:
            yield ("", field.empty_label)
        for value, *shown in self.queryset.values_list(*field.option_columns):
            yield (value, field.option_label(*shown))


class OrganisationChoiceField(forms.ModelChoiceField):
    iterator = _OptionsFromColumns
    option_columns = ("pk", "name", "ods_code")

    @staticmethod
    def option_label(name: str, ods_code: str | None) -> str:
        return organisation_label(name, ods_code)

    def label_from_instance(self, obj: Organisation) -> str:
        return organisation_label(obj.name, obj.ods_code)


class JobRoleChoiceField(forms.ModelChoiceField):
    """A job role, by primary key or `by="slug"` (a search's address then reads
    `job_role=pharmacist`); its options are read as that column and the name."""

    iterator = _OptionsFromColumns

    def __init__(self, *, by: str = "pk", **kwargs):
        to_field_name = None if by == "pk" else by
        super().__init__(queryset=selectors.job_roles(), to_field_name=to_field_name, **kwargs)
        self.option_columns = (by, "name")

    @staticmethod
    def option_label(name: str) -> str:
        return name  # JobRole.__str__


class OrganisationsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return organisation_label(obj.name, obj.ods_code)


class PeopleFilterForm(PlainForm):
    q = forms.CharField(
        label="Search", required=False, help_text="Name, e-mail address or registration number."
    )
    job_role = JobRoleChoiceField(
        by="slug",
        label="Job role",
        required=False,
        empty_label="Any job role",
    )
    organisation = OrganisationChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Any organisation",
    )
    status = forms.ChoiceField(
        label="Employment",
        required=False,
        choices=[("", "In post or left"), (selectors.IN_POST, "In post"), (selectors.LEFT, "Left")],
    )
    # Set by the column headings' links; an unknown value falls back to sorting by name.
    sort = forms.CharField(required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what an option shows: an ICS lead's list is 440 organisations on every page.
        self.fields["organisation"].queryset = selectors.organisations_to_filter_by(user).only(
            "pk", "name", "ods_code"
        )

    def search(self) -> dict:
        """Keyword arguments for selectors.search_people, from the valid fields only."""
        data = self.cleaned_data if self.is_bound else {}
        sort = data.get("sort") or "name"
        return {
            "query": data.get("q") or "",
            "job_role": data.get("job_role"),
            "organisation": data.get("organisation"),
            "status": data.get("status") or "",
            "sort": sort if sort.lstrip("-") in selectors.SORTS else "name",
        }


class PersonForm(PlainForm):
    first_name = forms.CharField(
        label="First name",
        max_length=100,
        error_messages={"required": "Enter the person's first name."},
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={"required": "Enter the person's last name."},
    )
    email = forms.EmailField(label="E-mail address", required=False)
    user_email = forms.EmailField(
        label="Linked user account (optional)",
        required=False,
        help_text="The e-mail address this person signs in to Capmap with, "
        "if they have an account in your organisations.",
    )
    job_role = JobRoleChoiceField(
        label="Job role",
        empty_label="Choose a job role",
        error_messages={"required": "Choose the person's job role."},
    )
    stage = forms.CharField(
        label="Stage (optional)",
        max_length=40,
        required=False,
        help_text="For example junior or senior.",
    )
    registration_body = forms.ChoiceField(
        label="Registration body", choices=RegistrationBody.choices, required=False
    )
    registration_number = forms.CharField(
        label="Registration number",
        max_length=20,
        required=False,
        help_text="GPhC and GMC: 7 digits. NMC PIN: like 12A3456E. HCPC: like PH123456.",
    )
    afc_band = forms.ChoiceField(
        label="Agenda for Change band", choices=AfcBand.choices, required=False
    )
    employer = OrganisationChoiceField(
        label="Employer",
        queryset=Organisation.objects.none(),
        empty_label="Choose an employer",
        error_messages={"required": "Choose the organisation that employs the person."},
    )
    sites = OrganisationsChoiceField(
        label="Sites (optional)",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Where they work, if not only at their employer.",
    )
    start_date = forms.DateField(
        label="Start date",
        widget=DateInput(),
        error_messages={"required": "Enter the date the person started, like 1 4 2025."},
    )
    end_date = forms.DateField(label="End date (optional)", widget=DateInput(), required=False)
    fte = forms.DecimalField(
        label="Whole-time equivalent (FTE)",
        max_digits=4,
        decimal_places=2,
        initial=Decimal("1.00"),
        required=False,
        validators=[validate_fte],
        help_text="1 is full time (37.5 hours a week); 0.6 is three days a week. From 0.01 to 1.5.",
        error_messages={
            "invalid": "Enter the whole-time equivalent as a number, like 0.6.",
            "max_decimal_places": "Enter the whole-time equivalent with at most two decimal "
            "places, like 0.75.",
            "max_digits": " ".join((validate_fte.__doc__ or "").split()),
            "max_whole_digits": " ".join((validate_fte.__doc__ or "").split()),
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = selectors.employers_for(user)
        self.fields["sites"].queryset = selectors.employers_for(user)

    @classmethod
    def initial_for(cls, person: Person) -> dict:
        return {
            **{
                name: getattr(person, name)
                for name in (
                    "first_name",
                    "last_name",
                    "email",
                    "job_role",
                    "stage",
                    "registration_body",
                    "registration_number",
                    "afc_band",
                    "employer",
                    "start_date",
                    "end_date",
                    "fte",
                )
            },
            "sites": list(person.sites.all()),
            "user_email": person.user.email if person.user else "",
        }

    def details(self) -> PersonDetails:
        data = dict(self.cleaned_data)
        data["sites"] = list(data["sites"])
        return PersonDetails(**data)


class EndEmploymentForm(PlainForm):
    end_date = forms.DateField(
        label="Last day of employment",
        widget=DateInput(),
        error_messages={"required": "Enter the last day the person worked here."},
    )


class JobRoleForm(PlainForm):
    name = forms.CharField(
        label="Name of the role",
        max_length=120,
        error_messages={"required": "Enter the name of the job role."},
    )
    staff_group = forms.ChoiceField(
        label="Staff group",
        choices=StaffGroup.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the staff group the role belongs to."},
    )
    registration_body = forms.ChoiceField(
        label="Usual registration body", choices=RegistrationBody.choices, required=False
    )
    arrs = forms.BooleanField(
        label="Funded by the Additional Roles Reimbursement Scheme (ARRS)", required=False
    )


class StaffImportForm(PlainForm):
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV (UTF-8) or Excel (.xlsx) file with the template's columns.",
        error_messages={"required": "Choose the spreadsheet to upload."},
    )
    organisation = OrganisationChoiceField(
        label="Employer for rows with no ODS code (optional)",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="None: every row gives an employer",
        help_text="Rows must then be staff of this organisation or one inside it.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.employers_for(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.CAPMAP_MAX_IMPORT_BYTES
        if upload.size > limit:
            raise forms.ValidationError(f"The file must be smaller than {filesizeformat(limit)}.")
        return upload
