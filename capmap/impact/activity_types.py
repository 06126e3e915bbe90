"""The activity types every installation starts with; admins add, change or retire them."""

# The dashboard's headline total; no activity type may take this name (see services).
HEADLINE_TOTAL_NAME = "GP appointments released"
CONSULTATIONS_INSTEAD_OF_A_GP = "Consultations instead of a GP appointment"
CONSULTATIONS_DESCRIPTION = (
    "Patients seen who would otherwise have needed a GP appointment. Do not count here a "
    "consultation already recorded as another activity, such as a structured medication review."
)

# job role slug -> [(slug, name, unit, better, GP appointments per unit, estimate, description)]
STARTER_ACTIVITY_TYPES: dict[str, list[tuple[str, str, str, str, str, bool, str]]] = {
    "clinical-pharmacist": [
        (
            "structured-medication-reviews",
            "Structured medication reviews",
            "count",
            "higher",
            "1",
            False,
            "Full structured medication reviews completed.",
        ),
        (
            "medicines-reconciliation",
            "Medicines reconciliation after discharge",
            "count",
            "higher",
            "0.5",
            False,
            "Discharge letters reconciled with the practice record.",
        ),
        (
            "intervention-stop",
            "Prescribing interventions: stop",
            "count",
            "higher",
            "0",
            False,
            "Medicines stopped (deprescribing).",
        ),
        (
            "intervention-start",
            "Prescribing interventions: start",
            "count",
            "higher",
            "0",
            False,
            "Medicines started.",
        ),
        (
            "intervention-dose-change",
            "Prescribing interventions: dose change",
            "count",
            "higher",
            "0",
            False,
            "Doses changed.",
        ),
        (
            "intervention-switch",
            "Prescribing interventions: switch",
            "count",
            "higher",
            "0",
            False,
            "Switches to a safer, better or more cost-effective medicine.",
        ),
        (
            "referrals-avoided",
            "Referrals avoided",
            "count",
            "higher",
            "1",
            False,
            "Referrals to secondary care or other services that were not needed.",
        ),
        (
            # The slug stays for existing installations; the name says what staff count, so
            # it is no longer mistaken for the dashboard's total of appointments released.
            "gp-appointments-released",
            CONSULTATIONS_INSTEAD_OF_A_GP,
            "count",
            "higher",
            "1",
            False,
            CONSULTATIONS_DESCRIPTION,
        ),
        (
            "admissions-avoided",
            "Hospital admissions avoided (estimate)",
            "count",
            "higher",
            "0",
            True,
            "An estimate of admissions avoided; count with care.",
        ),
    ],
    "first-contact-physiotherapist": [
        (
            "msk-first-contacts",
            "First contact MSK assessments",
            "count",
            "higher",
            "1",
            False,
            "Musculoskeletal patients seen first by the physiotherapist instead of a GP.",
        ),
        (
            "imaging-avoided",
            "Imaging requests avoided",
            "count",
            "higher",
            "0",
            False,
            "Scans or X-rays not needed after assessment.",
        ),
        (
            "orthopaedic-referrals-avoided",
            "Orthopaedic referrals avoided",
            "count",
            "higher",
            "1",
            False,
            "Referrals to orthopaedics not needed.",
        ),
        (
            "fcp-clinic-minutes",
            "Clinic time",
            "minutes",
            "higher",
            "0",
            False,
            "Minutes of first contact clinic time.",
        ),
    ],
    "social-prescribing-link-worker": [
        (
            "spl-referrals-received",
            "Referrals received",
            "count",
            "higher",
            "0",
            False,
            "People referred to the link worker.",
        ),
        (
            "community-connections",
            "Connections to community services",
            "count",
            "higher",
            "0",
            False,
            "People connected to a community group or service.",
        ),
        (
            "frequent-attender-contacts",
            "Frequent attender appointments released",
            "count",
            "higher",
            "1",
            False,
            "GP appointments no longer needed by frequent attenders.",
        ),
        (
            "spl-contact-minutes",
            "Time with people",
            "minutes",
            "higher",
            "0",
            False,
            "Minutes spent with the people referred.",
        ),
    ],
}
