"""The `capmap` command line: a thin front on Django's management commands."""

import os
import sys

# Friendly names for the commands people type most; anything else goes straight to Django.
ALIASES = {
    "worker": "run_worker",
    "prune-reports": "prune_reports",
    "import-staff": "import_staff",
    "import-framework": "import_framework",
    "export-framework": "export_framework",
    "remind-assessments": "remind_assessments",
    "send-reminders": "send_reminders",
    "import-organisations": "import_organisations",
    "import-population": "import_population",
    "subject-access": "subject_access",
    "erase-person": "erase_person",
    "apply-retention": "apply_retention",
    "verify-credential": "verify_credential",
}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capmap.config.settings.local")
    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["capmap", *args])


if __name__ == "__main__":
    main()
