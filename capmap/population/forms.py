from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from capmap.core.forms import PlainForm

from . import qof


class PopulationImportForm(PlainForm):
    file = forms.FileField(
        label="Upload the QOF prevalence file",
        help_text=(
            "The CSV file as NHS England Digital publishes it, for example PREVALENCE_2425.csv."
        ),
        error_messages={"required": "Choose the QOF prevalence file to upload."},
    )
    year = forms.CharField(
        label="QOF year",
        max_length=7,
        help_text="The year the figures are for, written YYYY-YY, for example 2024-25.",
        error_messages={"required": "Enter the QOF year, for example 2024-25."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.CAPMAP_MAX_IMPORT_BYTES
        if upload.size > limit:
            raise forms.ValidationError(f"The file must be smaller than {filesizeformat(limit)}.")
        return upload

    def clean_year(self):
        try:
            return qof.check_year(self.cleaned_data["year"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class PathwayRegistersForm(PlainForm):
    registers = forms.MultipleChoiceField(
        label="QOF registers this pathway serves",
        choices=[(code, f"{name} ({code})") for code, name in qof.REGISTERS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Patients on these registers are the people the pathway is for.",
        error_messages={"invalid_choice": "Choose registers from the list."},
    )


class NeedYearForm(PlainForm):
    year = forms.ChoiceField(
        label="QOF year",
        choices=[],
        required=False,
        error_messages={"invalid_choice": "Choose a year from the list."},
    )

    def __init__(self, *args, years: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in years]


class RecruitOrTrainForm(PlainForm):
    order = forms.ChoiceField(
        label="Order the pathways by",
        choices=[
            ("need", "People short, weighted by population need (patients per capable person)"),
            ("gap", "People short only"),
        ],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the orders listed."},
    )

    def by_need(self) -> bool:
        """Weighted by need unless the person chose otherwise."""
        return not (self.is_valid() and self.cleaned_data["order"] == "gap")
