"""The `capmap` command line: a thin front on Django's management commands.

Two paths skip Django's start-up (loading every app, its models, the admin, allauth and
the libraries they pull in), which costs several times more than they do themselves:
`capmap` / `capmap help` / `capmap --help`, which only list the commands (found on disk,
as Django finds them), and `capmap match`, the allocation engine, which reads and writes
JSON and touches no database. Everything else goes through Django as before.
"""

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
    "recheck-credentials": "recheck_credentials",
    "compact-held-levels": "compact_held_levels",
}
HELP = ([], ["help"], ["--help"], ["-h"])
# Commands that need no app registry, and the module that holds each.
WITHOUT_SETUP = {"match": "capmap.placements.management.commands.match"}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capmap.config.settings.local")
    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    if args in HELP:
        sys.stdout.write(main_help_text() + "\n")
        return
    if args and args[0] in WITHOUT_SETUP:
        run_without_setup(args)
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["capmap", *args])


def installed_app_modules() -> list[str]:
    """Each installed app's module name, read from settings without loading the apps."""
    from importlib.util import find_spec

    from django.conf import settings
    from django.utils.module_loading import import_string

    names = []
    for entry in settings.INSTALLED_APPS:
        try:
            spec = find_spec(entry)
        except ModuleNotFoundError:
            spec = None
        names.append(entry if spec is not None else import_string(entry).name)
    return names


def command_names() -> dict[str, str]:
    """{command: app module}, as Django's get_commands() gives after start-up."""
    from importlib.util import find_spec
    from pathlib import Path

    from django.core import management

    commands = {name: "django.core" for name in management.find_commands(management.__path__[0])}
    for module in reversed(installed_app_modules()):
        spec = find_spec(module)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            found = management.find_commands(str(Path(folder) / "management"))
            commands.update(dict.fromkeys(found, module))
    return commands


def main_help_text() -> str:
    """Django's `help` listing (ManagementUtility.main_help_text), made without start-up."""
    from django.core.management.color import color_style

    lines = [
        "",
        "Type 'capmap help <subcommand>' for help on a specific subcommand.",
        "",
        "Available subcommands:",
    ]
    by_app: dict[str, list[str]] = {}
    for name, app in command_names().items():
        by_app.setdefault("django" if app == "django.core" else app.rpartition(".")[-1], []).append(
            name
        )
    style = color_style()
    for app in sorted(by_app):
        lines += ["", style.NOTICE(f"[{app}]")]
        lines += [f"    {name}" for name in sorted(by_app[app])]
    return "\n".join(lines)


def run_without_setup(args: list[str]) -> None:
    """Run one command that needs no app registry, as Django's run_from_argv would."""
    from importlib import import_module

    from django.core.management.base import CommandError, handle_default_options

    command = import_module(WITHOUT_SETUP[args[0]]).Command()
    parser = command.create_parser("capmap", args[0])
    options = parser.parse_args(args[1:])
    handle_default_options(options)
    values = vars(options)
    positional = values.pop("args", ())
    try:
        command.execute(*positional, **values)
    except CommandError as error:
        if options.traceback:
            raise
        command.stderr.write(f"{error.__class__.__name__}: {error}")
        sys.exit(error.returncode)


if __name__ == "__main__":
    main()
